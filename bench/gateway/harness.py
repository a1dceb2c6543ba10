#!/usr/bin/env python3
"""Helpers for bench/gateway/run.sh (standard library only).

    harness.py port-free PORT...            fail naming the first port something listens on
    harness.py wait-port PORT SECONDS       wait until 127.0.0.1:PORT accepts connections
    harness.py children PID [PREFIX]        pids of PID's children (whose name starts with PREFIX)
    harness.py add-key REDIS_PORT [RPM]     store a new user API key in the gateway's Redis
                                            (RPM requests per minute, 0: no limit), print the
                                            bearer token
    harness.py measure ...                  one wrk run with CPU accounting (see measure())
    harness.py monitor ...                  which Redis commands the gateways send and which
                                            their scripts run, per request (see monitor())
    harness.py idle ...                     Redis commands and CPU with no load (see idle())
    harness.py machine                      one line: cores, CPU, memory, kernel, Java
    harness.py meta OUT.json KEY=VALUE...   the run's facts: machine, versions, settings
    harness.py summarise META RUNS PREFIX [SAMPLES]
                                            PREFIX.json (meta + every run) and PREFIX.md (the
                                            table of medians over rounds)

Why CPU is read from /proc: the question is what one forwarded request costs each process
(gateway JVM, miner JVM, Redis, nginx), on a machine where several of them share two cores.
utime + stime of a process (all its threads) before and after a wrk run, divided by the
requests wrk completed, is that cost, including whatever background work the process does
meanwhile (which is part of what a request costs in production too).
"""

import hashlib
import json
import os
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone

CLK_TCK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ ports and processes

def port_free(ports):
    for p in ports:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", int(p))) == 0:
                sys.exit(f"port {p} is in use; set BENCH_PORT_BASE to a free range")


def wait_port(port, seconds):
    deadline = time.time() + float(seconds)
    while time.time() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", int(port))) == 0:
                return
        time.sleep(0.1)
    sys.exit(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def children(pid, prefix=None):
    """Direct children of pid (optionally only those whose name starts with prefix)."""
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
        except FileNotFoundError:
            pass
    if prefix:
        out = [c for c in out if (comm(c) or "").startswith(prefix)]
    return out


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except FileNotFoundError:
        return None


def ticks(path):
    """utime + stime, in clock ticks, of a /proc/.../stat file (0 if it is gone)."""
    try:
        with open(path) as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    # The command name (field 2) may hold spaces; the fields after its ')' are fixed.
    fields = data[data.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # utime (14) and stime (15), 1-based


def thread_ticks(pid, prefix):
    """CPU ticks of pid's threads whose name starts with prefix (names are cut to 15 chars)."""
    total = 0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return 0
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if not f.read().startswith(prefix):
                    continue
        except FileNotFoundError:
            continue
        total += ticks(f"/proc/{pid}/task/{tid}/stat")
    return total


def machine_ticks():
    """(busy, total) ticks of the whole machine, from the first line of /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]  # idle + iowait
    return sum(v) - idle, sum(v)


def kernel_ticks():
    """CPU ticks of kernel threads (kthreadd and its children: kworkers, ksoftirqd), which do
    part of the network stack's work for every process and would otherwise pass for another
    tenant's load."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                data = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        fields = data[data.rindex(")") + 2:].split()
        if pid == "2" or fields[1] == "2":  # ppid is field 4 (1-based)
            total += int(fields[11]) + int(fields[12])
    return total


def gateway_counts(urls):
    """Requests by status and miner calls by outcome from gateways' /metrics (comma-separated
    URLs, summed; one that does not answer counts nothing)."""
    text = ""
    for url in filter(None, urls.split(",")):
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                text += r.read().decode() + "\n"
        except OSError:
            pass
    out = {}
    for line in text.splitlines():
        if line.startswith("assay_http_requests_total{") and "/chat/completions" in line:
            key = "status " + line.split('status="')[1].split('"')[0]
        elif line.startswith("assay_miner_calls_total{"):
            key = "miner " + line.split('outcome="')[1].split('"')[0]
        else:
            continue
        out[key] = out.get(key, 0) + float(line.rsplit(" ", 1)[1])
    return out


class Tracked:
    """The processes whose CPU is accounted: name -> pid (nginx: master and workers)."""

    def __init__(self, spec):
        # spec: "gateway=123,miner=456,..."; a name ending in '+' includes the pid's children.
        self.procs = {}
        for item in filter(None, spec.split(",")):
            name, pid = item.split("=")
            self.procs[name] = int(pid)

    def snapshot(self):
        snap = {}
        for name, pid in self.procs.items():
            base = name.rstrip("+")
            pids = [pid] + (children(pid) if name.endswith("+") else [])
            snap[base] = sum(ticks(f"/proc/{p}/stat") for p in pids)
            if "gateway" in base:  # gateway, stub-gateway, gateway-1
                # The embedded checking server's threads (assay-checker-N, assay-checking-loop).
                snap[base + ".checking"] = thread_ticks(pid, "assay-check")
        return snap


def settle(tracked, limit_seconds, idle_share=0.10):
    """Waits until the tracked processes together use less than idle_share of one core over
    half a second (at most limit_seconds): work left from the previous run (answers still being
    checked, Redis rewriting its log) must not be billed to the next one. Returns the wait."""
    start = time.time()
    while time.time() - start < limit_seconds:
        a = sum(tracked.snapshot().values())
        time.sleep(0.5)
        b = sum(tracked.snapshot().values())
        if (b - a) / CLK_TCK / 0.5 < idle_share:
            break
    return round(time.time() - start, 1)


# ------------------------------------------------------------------ API key

def resp(sock, *args):
    """One Redis command in RESP; its answer as text: a line (HSET, SADD) or a bulk string
    (INFO)."""
    out = f"*{len(args)}\r\n"
    for a in args:
        b = str(a).encode()
        out += f"${len(b)}\r\n" + b.decode() + "\r\n"
    sock.sendall(out.encode())
    reader = sock.makefile("rb")
    line = reader.readline().decode().strip()
    if line.startswith("-"):
        sys.exit(f"redis refused {args[0]}: {line}")
    if line.startswith("$") and int(line[1:]) >= 0:
        return reader.read(int(line[1:]) + 2)[:-2].decode()
    return line


def add_key(redis_port, rpm=0):
    """Writes a user key the way ApiKeys.create does (hash of the token, role, rpm requests per
    minute, 0 for no limit): `serve` has no command for a first key, and devnet cannot front an
    upstream-backed miner."""
    token = "sk-assay-bench-" + secrets.token_urlsafe(18)
    digest = hashlib.sha256(token.encode()).hexdigest()
    with socket.create_connection(("127.0.0.1", int(redis_port)), timeout=5) as s:
        resp(s, "HSET", f"assay:apikey:{{{digest}}}", "name", "bench", "role", "user", "rpm", str(int(rpm)),
             "created_at", datetime.now(timezone.utc).isoformat())
        resp(s, "SADD", "assay:apikeys", digest)
    print(token)


REDIS_STATS = {"total_commands_processed": "commands", "total_reads_processed": "reads"}


def redis_counts(port):
    """What Redis has done so far (INFO stats): 'commands' executed and socket 'reads' (one read
    may bring several pipelined commands); and 'calls' per command (INFO commandstats). Commands
    and calls count a Lua script's call and every command the script runs alike; monitor() tells
    them apart."""
    with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as s:
        text = resp(s, "INFO", "stats") + "\n" + resp(s, "INFO", "commandstats")
    out = {"calls": {}}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name in REDIS_STATS:
            out[REDIS_STATS[name]] = int(value)
        elif name.startswith("cmdstat_"):
            out["calls"][name[len("cmdstat_"):]] = int(value.split(",")[0].split("=")[1])
    return out


def redis_delta(before, after, per):
    """Between two redis_counts, divided by per (requests, or seconds): commands, socket reads,
    and calls by command, without the two INFO commands that took each count."""
    calls = {k: v - before["calls"].get(k, 0) for k, v in after["calls"].items()}
    own = calls.pop("info", 0)
    return {"commands": round((after["commands"] - before["commands"] - own) / per, 3),
            "reads": round((after["reads"] - before["reads"] - own) / per, 3),
            "calls": {k: round(v / per, 4)
                      for k, v in sorted(calls.items(), key=lambda kv: -kv[1]) if v}}


# ------------------------------------------------------------------ one measured run

def wrk_summary(proc, target):
    """wrk's exact figures, from the JSON line chat.lua's done() prints."""
    if proc.returncode != 0:
        sys.exit(f"wrk failed on {target}: {proc.stderr.strip()}")
    line = next((l for l in proc.stdout.splitlines() if l.startswith("JSON ")), None)
    if line is None:
        sys.exit(f"wrk printed no summary for {target}:\n{proc.stdout}{proc.stderr}")
    return json.loads(line[5:])


def measure(argv):
    """measure RAW.jsonl TARGET CONCURRENCY URL DURATION THREADS ROUND TRACKED LUA BODY KEY
               [METRICS_URLS [REDIS_PORT]]

    Waits for the tracked processes to settle, snapshots their CPU, runs wrk, snapshots again,
    and appends one JSON line: wrk's exact figures (from the Lua done() hook), CPU per request
    of every tracked process, the machine's other CPU (wrk, kernel threads, other tenants) and,
    given a gateway's /metrics, what the gateway counted meanwhile. TRACKED is
    name=pid,...; a name ending in '+' includes the pid's children (nginx workers). Given
    REDIS_PORT, it also records the commands that Redis executed per request, in all and by
    command."""
    (raw, target, conc, url, duration, threads, rnd, spec, lua, body, key) = argv[:11]
    metrics = argv[11] if len(argv) > 11 else None  # gateways' /metrics, for their statuses
    redis_port = argv[12] if len(argv) > 12 and argv[12] else None
    tracked = Tracked(spec)
    waited = settle(tracked, 20)
    load_before = open("/proc/loadavg").read().split()[:3]
    env = dict(os.environ, BENCH_BODY=body, BENCH_KEY=key)
    cmd = ["wrk", "-t", threads, "-c", conc, "-d", f"{duration}s", "--latency", "-s", lua, url]
    counts0 = gateway_counts(metrics) if metrics else {}
    redis0 = redis_counts(redis_port) if redis_port else None
    before, mb, kb, t0 = tracked.snapshot(), machine_ticks(), kernel_ticks(), time.time()
    wrk0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wrk1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    after, ma, ka, t1 = tracked.snapshot(), machine_ticks(), kernel_ticks(), time.time()
    redis1 = redis_counts(redis_port) if redis_port else None
    counts1 = gateway_counts(metrics) if metrics else {}
    wrk_s = (wrk1.ru_utime + wrk1.ru_stime) - (wrk0.ru_utime + wrk0.ru_stime)
    w = wrk_summary(proc, target)
    n = max(1, w["requests"])
    cpu_us = {k: round((after[k] - before.get(k, 0)) / CLK_TCK * 1e6 / n, 2) for k in after}
    busy = (ma[0] - mb[0]) / CLK_TCK
    record = {
        "target": target, "concurrency": int(conc), "round": int(rnd),
        "started": datetime.fromtimestamp(t0, timezone.utc).isoformat(timespec="seconds"),
        "settle_s": waited, "load_before": load_before,
        "requests": w["requests"], "seconds": w["duration_us"] / 1e6,
        "rps": w["requests"] / (w["duration_us"] / 1e6),
        "p50_ms": w["p50_us"] / 1000, "p90_ms": w["p90_us"] / 1000,
        "p99_ms": w["p99_us"] / 1000, "max_ms": w["max_us"] / 1000,
        "non2xx": w["status"],
        "socket_errors": w["connect"] + w["read"] + w["write"] + w["timeout"],
        "bytes": w["bytes"],
        "cpu_us_per_request": cpu_us,
        # Cores the whole machine was busy; of them wrk's, the kernel threads', and the rest,
        # neither ours nor wrk's nor the kernel's: other tenants (someone else's build or
        # benchmark makes a run read slower).
        "machine_busy_cores": round(busy / (t1 - t0), 2),
        "wrk_cores": round(wrk_s / (t1 - t0), 2),
        "kernel_cores": round((ka - kb) / CLK_TCK / (t1 - t0), 2),
        "other_cores": round((busy - wrk_s - (ka - kb) / CLK_TCK
                              - sum(after[k] - before.get(k, 0) for k in after if "." not in k)
                              / CLK_TCK) / (t1 - t0), 2),
        # The gateway's own count of what it answered and how its miner calls ended.
        "gateway_counts": {k: counts1[k] - counts0.get(k, 0) for k in counts1
                           if counts1[k] != counts0.get(k, 0)},
    }
    if redis_port:
        d = redis_delta(redis0, redis1, n)
        record["redis_commands_per_request"] = d["commands"]
        record["redis_reads_per_request"] = d["reads"]
        record["redis_calls_per_request"] = d["calls"]
    with open(raw, "a") as f:
        f.write(json.dumps(record) + "\n")
    c = record["cpu_us_per_request"]
    print(f"  round {rnd} {target:13} c={conc:>3}: {record['rps']:9.0f} req/s  "
          f"p50 {record['p50_ms']:7.3f} ms  p99 {record['p99_ms']:7.3f} ms  "
          f"non-2xx {record['non2xx']}  errors {record['socket_errors']}  "
          f"cores: wrk {record['wrk_cores']} kernel {record['kernel_cores']} "
          f"other {record['other_cores']}  "
          + (f"gateway {record['gateway_counts']}  " if record["gateway_counts"] else "")
          + (f"Redis commands/req {record['redis_commands_per_request']}  " if redis_port else "")
          + " ".join(f"{k} {v:.0f}us" for k, v in c.items() if v >= 0.5), flush=True)


END_MARK = b"assay-bench-monitor-end"


def monitor(argv):
    """monitor SAMPLES.jsonl NAME REDIS_PORT SECONDS CONCURRENCY URL LUA BODY KEY

    Which commands the gateways send Redis (round trips) and which their Lua scripts run there:
    INFO counts both alike. Runs wrk for SECONDS while a MONITOR connection reads every command
    Redis executes (a script's show as '[0 lua]'), and appends the counts per request, by source
    and command, as one JSON line. MONITOR slows Redis down, so this is a run of its own, not
    one of the measured ones; so much so that the gateways' writes, which a request does not
    wait for, fall behind and are still being sent when wrk ends. So after wrk it waits until
    Redis is idle again (the time is recorded), then an ECHO of END_MARK marks where to stop
    reading (MONITOR's lines come later than the commands they show)."""
    samples, name, port, seconds, conc, url, lua, body, key = argv
    sock = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
    sock.sendall(b"*1\r\n$7\r\nMONITOR\r\n")
    reader = sock.makefile("rb")
    if reader.readline().strip() != b"+OK":
        sys.exit("redis refused MONITOR")
    counts = {"sent": {}, "in_scripts": {}}

    def read():
        # 1796614880.710723 [0 127.0.0.1:44138] "evalsha" "..." / 1796614880.710771 [0 lua] "set"
        try:
            for line in reader:
                if END_MARK in line:
                    return
                try:
                    src_end = line.index(b'] "')
                    source = line[line.index(b"[") + 1:src_end].split()[1]
                    cmd = line[src_end + 3:line.index(b'"', src_end + 3)].decode().lower()
                except (ValueError, IndexError):
                    continue
                if cmd in ("info", "echo") and source != b"lua":
                    continue  # ours: redis_counts() and the end mark
                side = counts["in_scripts" if source == b"lua" else "sent"]
                side[cmd] = side.get(cmd, 0) + 1
        except OSError:
            pass  # the connection closed under us: the sample is over

    sock.settimeout(None)
    reading = threading.Thread(target=read, daemon=True)
    reading.start()
    env = dict(os.environ, BENCH_BODY=body, BENCH_KEY=key)
    proc = subprocess.run(["wrk", "-t", "1", "-c", conc, "-d", f"{seconds}s", "-s", lua, url],
                          env=env, capture_output=True, text=True)
    drained = time.time()
    previous = redis_counts(port)["commands"]
    while time.time() - drained < 120:
        time.sleep(0.5)
        now = redis_counts(port)["commands"]
        if now - previous < 50:  # idle: the gateways' own background is about 12 a second
            break
        previous = now
    drained = round(time.time() - drained, 1)
    with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as marker:
        resp(marker, "ECHO", END_MARK.decode())
    reading.join(300)
    sock.close()
    if reading.is_alive():
        sys.exit(f"MONITOR on {name}: no end mark read after 300 s")
    n = max(1, wrk_summary(proc, name)["requests"])
    record = {"sample": name, "requests": n, "seconds": float(seconds), "drain_s": drained}
    for side, by_cmd in counts.items():
        record[side + "_per_request"] = {
            k: round(v / n, 4) for k, v in sorted(by_cmd.items(), key=lambda kv: -kv[1])}
    with open(samples, "a") as f:
        f.write(json.dumps(record) + "\n")
    print(f"  MONITOR {name}: {n} requests; per request, sent "
          f"{sum(counts['sent'].values()) / n:.2f}, run by scripts "
          f"{sum(counts['in_scripts'].values()) / n:.2f}; Redis idle {drained} s after wrk",
          flush=True)


def idle(argv):
    """idle SAMPLES.jsonl REDIS_PORT SECONDS TRACKED

    What the processes do with no load: after they settle, Redis's commands per second (in all
    and by command) and each tracked process's CPU in cores, over SECONDS; one JSON line."""
    samples, port, seconds, spec = argv
    tracked = Tracked(spec)
    settle(tracked, 20)
    r0, c0, t0 = redis_counts(port), tracked.snapshot(), time.time()
    time.sleep(float(seconds))
    r1, c1, t1 = redis_counts(port), tracked.snapshot(), time.time()
    d = redis_delta(r0, r1, t1 - t0)
    per_s = d["commands"]
    record = {"sample": "idle", "seconds": round(t1 - t0, 1), "redis_commands_per_s": per_s,
              "redis_calls_per_s": d["calls"],
              "cores": {k: round((c1[k] - c0.get(k, 0)) / CLK_TCK / (t1 - t0), 4) for k in c1}}
    with open(samples, "a") as f:
        f.write(json.dumps(record) + "\n")
    print(f"  idle: Redis {per_s:.1f} commands/s, cores {record['cores']}", flush=True)


# ------------------------------------------------------------------ summary

# Which processes each target's requests pass through, for the CPU columns.
PATH_PROCS = {
    "mock": {"mock": "mock-nginx"},
    "nginx-1w": {"proxy": "proxy-nginx", "mock": "mock-nginx"},
    "vertx-proxy": {"proxy": "vertx-proxy", "mock": "mock-nginx"},
    "assay": {"gateway": "gateway", "gateway.checking": "gateway.checking",
              "miner": "miner", "redis": "redis", "mock": "mock-nginx"},
    "gateway-stub": {"gateway": "stub-gateway", "gateway.checking": "stub-gateway.checking",
                     "miner": "stub-miner", "redis": "stub-redis"},
}
CPU_COLUMNS = [("gateway", "gateway"), ("gateway.checking", "of which checks"),
               ("miner", "miner"), ("redis", "Redis"), ("proxy", "proxy"),
               ("mock", "mock nginx")]


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    return "-" if v is None else f"{v:,.{digits}f}"


def first_line(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
        return (p.stdout + p.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "?")
    mem_kb = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")))
    return (f"{os.cpu_count()} vCPUs ({cpu}), {mem_kb / 2**20:.0f} GB, "
            f"{os.uname().sysname} {os.uname().release}")


def meta(out, pairs):
    info = {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "java": first_line(["java", "-version"]),
        "nginx": first_line(["nginx", "-v"]),
        "wrk": first_line(["wrk", "-v"]).split(" Copyright")[0],
        "load_before": " ".join(open("/proc/loadavg").read().split()[:3]),
    }
    for p in pairs:
        k, v = p.split("=", 1)
        info[k] = v
    json.dump(info, open(out, "w"), indent=1)


def machine_line(meta, runs):
    """The machine, its load and other tenants' CPU during the measured runs, the commit."""
    others = [r.get("other_cores", r.get("untracked_cores", 0)) for r in runs]
    return (f"Machine: {meta['machine']}; {meta['java']}; {meta['nginx']}; {meta['wrk']}. "
            f"Load average (1, 5, 15 min) before: {meta['load_before']}, after: "
            f"{meta['load_after']}; other tenants' CPU during the runs (neither ours, wrk's nor "
            f"kernel threads'): median {med(others):.2f} cores, highest {max(others):.2f}; "
            f"{sum(o > 0.25 for o in others)} of {len(others)} runs above 0.25 cores (per-run "
            f"table below). Commit {meta['commit']}.")


def by_target(runs):
    """(target, concurrency) -> {round: run}."""
    by = {}
    for r in runs:
        by.setdefault((r["target"], r["concurrency"]), {})[r["round"]] = r
    return by


def summarise(meta_path, runs_path, prefix, samples_path=None):
    data = {"meta": json.load(open(meta_path)),
            "runs": [json.loads(l) for l in open(runs_path) if l.strip()]}
    if samples_path:
        data["samples"] = [json.loads(l) for l in open(samples_path) if l.strip()]
    data["meta"]["load_after"] = " ".join(open("/proc/loadavg").read().split()[:3])
    json.dump(data, open(prefix + ".json", "w"), indent=1)
    several = data["meta"].get("mode") == "several"
    lines = (several_lines if several else forward_lines)(data) + per_run_lines(data["runs"])
    open(prefix + ".md", "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


def forward_lines(data):
    """The forwarding targets side by side: medians over rounds, ratios to nginx-1w."""
    runs = [r for r in data["runs"] if r["round"] > 0]
    targets = [t for t in PATH_PROCS if any(r["target"] == t for r in runs)]
    concs = sorted({r["concurrency"] for r in runs})
    by = by_target(runs)
    meta = data["meta"]
    lines = [
        f"# Gateway forwarding: {meta['date']}",
        "",
        machine_line(meta, runs),
        f"{meta['rounds']} interleaved rounds of {meta['duration_s']} s runs per target and "
        f"concurrency (wrk, {meta['wrk_threads']} thread(s)), after a warm-up at the highest "
        f"concurrency ({meta['warmup_s']} s per gateway target, 5 s per nginx one). Medians over "
        "rounds; ratios and added latency are medians of the per-round values. Request "
        f"{meta['request_bytes']} bytes, mock answer {meta['answer_bytes']} bytes.",
        "",
        "Gateways: " + ("embedded checking server on (checks 10 % of organic answers)"
                        if meta['checking'] == "embedded" else "no embedded checking server")
        + "; synthetic tests on, scoring "
        f"period {int(meta['period_s']) // 60} min with a {int(meta['grace_s']) // 60} min "
        "declaration grace, so no test window opens during the run (no synthetic request was "
        "due); weights computed every 20 min from start (not during the run).",
        "",
        "| target | c | req/s | p50 ms | p99 ms | added p50 ms vs mock | non-2xx / errors "
        "| " + " | ".join(f"CPU us/req {label}" for _, label in CPU_COLUMNS)
        + " | req/s vs nginx-1w |",
        "|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(CPU_COLUMNS) + "---:|",
    ]
    for conc in concs:
        for t in targets:
            rounds = by.get((t, conc), {})
            if not rounds:
                continue
            rs = list(rounds.values())
            added = [r["p50_ms"] - by[("mock", conc)][k]["p50_ms"]
                     for k, r in rounds.items() if k in by.get(("mock", conc), {})]
            ratio = [r["rps"] / by[("nginx-1w", conc)][k]["rps"]
                     for k, r in rounds.items() if k in by.get(("nginx-1w", conc), {})]
            cpu = []
            for key, _ in CPU_COLUMNS:
                proc = PATH_PROCS[t].get(key)
                cpu.append(fmt(med([r["cpu_us_per_request"].get(proc) for r in rs]), 1)
                           if proc else "-")
            errors = f"{sum(r['non2xx'] for r in rs)} / {sum(r['socket_errors'] for r in rs)}"
            lines.append(
                f"| {t} | {conc} | {fmt(med([r['rps'] for r in rs]))} "
                f"| {fmt(med([r['p50_ms'] for r in rs]), 3)} "
                f"| {fmt(med([r['p99_ms'] for r in rs]), 3)} "
                f"| {'-' if t == 'mock' else fmt(med(added), 3)} | {errors} | "
                + " | ".join(cpu)
                + f" | {'-' if t == 'nginx-1w' else fmt(100 * med(ratio) if ratio else None, 1) + ' %'} |")
    lines += [
        "",
        "Targets: `mock` = the mock upstream directly (nginx, 1 worker, fixed answer); "
        "`nginx-1w` = nginx as a plain reverse proxy (1 worker, keep-alive upstream) in front of "
        "the mock; `vertx-proxy` = a bare reverse proxy on Vert.x (bench module's "
        "`BareVertxProxy`: forwarding only, built as the gateway talks HTTP), the floor of the "
        "gateway's stack; `assay` = gateway -> reference miner (`backend: upstream`) -> mock; "
        "`gateway-stub` = a second gateway -> a protocol-speaking stub miner answering from "
        "memory (no upstream). CPU us/req: utime+stime of the process over the run, divided by "
        "the requests completed; `of which checks` = the gateway's embedded checking-server "
        "threads (part of the gateway column). non-2xx / errors: summed over rounds.",
        "",
    ]
    return lines


def gateways_cpu(run):
    """CPU us per request of all the gateway JVMs of a run together (several mode)."""
    c = run["cpu_us_per_request"]
    return sum(v for k, v in c.items() if k.startswith("gateway-") and "." not in k)


def several_lines(data):
    """One gateway against three on one Redis: medians over rounds, ratios within rounds, and
    Redis's commands per request by command."""
    meta, samples = data["meta"], data.get("samples", [])
    runs = [r for r in data["runs"] if r["round"] > 0]
    targets = [t for t in meta["targets"].split() if any(r["target"] == t for r in runs)]
    concs = sorted({r["concurrency"] for r in runs})
    by = by_target(runs)

    def median_of(t, conc, f):
        return med([f(r) for r in by.get((t, conc), {}).values()])

    def ratio(a, b, conc, f):
        """Median over rounds of f(run of a) / f(run of b), in the rounds that ran both."""
        ra, rb = by.get((a, conc), {}), by.get((b, conc), {})
        return med([f(ra[k]) / f(rb[k]) for k in ra if k in rb and f(rb[k])])

    def added(a, b, conc, f):
        ra, rb = by.get((a, conc), {}), by.get((b, conc), {})
        return med([f(ra[k]) - f(rb[k]) for k in ra if k in rb])

    rps = lambda r: r["rps"]
    redis_cpu = lambda r: r["cpu_us_per_request"].get("redis", 0)
    commands = lambda r: r.get("redis_commands_per_request", 0)
    reads = lambda r: r.get("redis_reads_per_request", 0)
    lines = [
        f"# Several gateways on one Redis: {meta['date']}",
        "",
        machine_line(meta, runs),
        f"{meta['rounds']} interleaved rounds of {meta['duration_s']} s runs per configuration "
        f"and concurrency (wrk, {meta['wrk_threads']} thread(s)), the order rotated each round, "
        f"after warm-up runs (round 0: {meta['warmup_s']} s straight to one gateway, "
        f"{2 * int(meta['warmup_s'])} s through the load balancer to three, 10 s for each other "
        "configuration). Medians over "
        "rounds; ratios and differences are medians of the per-round values.",
        "",
        f"Setup: {meta['gateways']} gateways (the same identity file, each its own data folder "
        f"and port, `ASSAY_REDIS_URL` naming one shared {meta['redis']}) -> one `StubMiner` "
        "(bench module: the miner protocol through the SDK, answer from memory). Gateways: "
        + ("embedded checking server on" if meta["checking"] == "embedded"
           else "no embedded checking server")
        + f", synthetic tests on, scoring period {int(meta['period_s']) // 60} min with a "
        f"{int(meta['grace_s']) // 60} min declaration grace (no test window during the run). "
        "The load balancer is Debian nginx, 1 worker, round robin over keep-alive upstream "
        "connections; `1gw-lb` sends everything to the first gateway, `3gw-lb` to all three, "
        "`1gw-direct` is wrk straight to the first gateway. All three gateways run throughout: "
        "in the 1gw configurations the other two are idle (see the idle sample below). Keys: "
        f"`free` has no limit (admitted without Redis), `rpm` a limit of {int(meta['limit_rpm']):,} "
        "requests per minute, never reached, so each of its requests runs the admission script.",
        "",
        "The machine has 2 cores, shared by wrk, nginx, Redis, the stub miner and the gateway "
        "JVMs, so three gateways cannot serve more than one here: they compete for the same "
        "cores. The figures to read are Redis's commands and CPU per request, which are what "
        "bound a larger deployment, where every gateway has its cores and Redis is shared.",
        "",
        "| configuration | key | c | req/s | p50 ms | p99 ms | non-2xx / errors "
        "| CPU us/req: gateways (sum) | Redis | nginx LB | stub miner | Redis commands/req "
        "| Redis socket reads/req |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for conc in concs:
        for t in targets:
            rs = list(by.get((t, conc), {}).values())
            if not rs:
                continue
            cpu = lambda proc: fmt(med([r["cpu_us_per_request"].get(proc) for r in rs]), 1)
            config, key = (t[:-4], "rpm") if t.endswith("-rpm") else (t, "free")
            lines.append(
                f"| {config} | {key} | {conc} | {fmt(med([r['rps'] for r in rs]))} "
                f"| {fmt(med([r['p50_ms'] for r in rs]), 3)} "
                f"| {fmt(med([r['p99_ms'] for r in rs]), 3)} "
                f"| {sum(r['non2xx'] for r in rs)} / {sum(r['socket_errors'] for r in rs)} "
                f"| {fmt(med([gateways_cpu(r) for r in rs]), 1)} | {cpu('redis')} "
                f"| {cpu('lb-nginx')} | {cpu('stub-miner')} "
                f"| {fmt(med([commands(r) for r in rs]), 2)} "
                f"| {fmt(med([reads(r) for r in rs]), 2)} |")
    lines += [
        "",
        "Ratios within rounds (median of per-round ratios):",
        "",
        "| key | c | figure | 1gw-lb / 1gw-direct | 3gw-lb / 1gw-lb |",
        "|---|---:|---|---:|---:|",
    ]
    for conc in concs:
        for suffix, key in (("", "free"), ("-rpm", "rpm")):
            d, one, three = (f"1gw-direct{suffix}", f"1gw-lb{suffix}", f"3gw-lb{suffix}")
            for label, f in (("req/s", rps), ("gateways' CPU us/req", gateways_cpu),
                             ("Redis CPU us/req", redis_cpu), ("Redis commands/req", commands),
                             ("Redis socket reads/req", reads)):
                lines.append(f"| {key} | {conc} | {label} | {fmt(ratio(one, d, conc, f), 2)} "
                             f"| {fmt(ratio(three, one, conc, f), 2)} |")
    lines += [
        "",
        "What the `rpm` key adds over the `free` one (median of per-round differences):",
        "",
        "| configuration | c | Redis commands/req | Redis CPU us/req | gateways' CPU us/req "
        "| req/s ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for conc in concs:
        for t in (t for t in targets if not t.endswith("-rpm")):
            if (t + "-rpm", conc) not in by:
                continue
            lines.append(
                f"| {t} | {conc} | {fmt(added(t + '-rpm', t, conc, commands), 2)} "
                f"| {fmt(added(t + '-rpm', t, conc, redis_cpu), 1)} "
                f"| {fmt(added(t + '-rpm', t, conc, gateways_cpu), 1)} "
                f"| {fmt(ratio(t + '-rpm', t, conc, rps), 2)} |")
    # Commands per request by command: the commands that were the most of any configuration.
    calls = {(t, conc): {} for t in targets for conc in concs}
    for (t, conc), rounds in by.items():
        names = {k for r in rounds.values() for k in r.get("redis_calls_per_request", {})}
        calls[(t, conc)] = {k: med([r.get("redis_calls_per_request", {}).get(k, 0)
                                    for r in rounds.values()]) for k in names}
    top = sorted({k for v in calls.values() for k in v},
                 key=lambda k: -max(v.get(k, 0) for v in calls.values()))[:12]
    lines += [
        "",
        "Redis commands per request by command (`INFO commandstats`, medians over rounds; a "
        "Lua script's call and the commands it runs inside Redis each count once; the top "
        f"{len(top)}):",
        "",
        "| command | " + " | ".join(f"{t} c={c}" for c in concs for t in targets) + " |",
        "|---|" + "---:|" * (len(concs) * len(targets)),
    ]
    for k in top:
        lines.append(f"| {k} | " + " | ".join(fmt(calls[(t, c)].get(k, 0), 3)
                                              for c in concs for t in targets) + " |")
    for smp in (x for x in samples if x["sample"] != "idle"):
        sent, inside = smp["sent_per_request"], smp["in_scripts_per_request"]
        lines += [
            "",
            f"Round trips and script work per request, `{smp['sample']}` (`MONITOR` over a "
            f"{smp['seconds']:.0f} s run of its own, {smp['requests']:,} requests, counted until "
            f"Redis was idle, {smp.get('drain_s', '?')} s after wrk's last request; a command "
            "counts as sent when a client sent it, as run by a script when a Lua script ran "
            "it):",
            "",
            "| command | sent by gateways | run by scripts |",
            "|---|---:|---:|",
        ]
        for k in sorted(set(sent) | set(inside), key=lambda k: -(sent.get(k, 0) + inside.get(k, 0))):
            lines.append(f"| {k} | {fmt(sent.get(k), 3)} | {fmt(inside.get(k), 3)} |")
        lines.append(f"| **all** | **{sum(sent.values()):.2f}** | **{sum(inside.values()):.2f}** |")
    for smp in (x for x in samples if x["sample"] == "idle"):
        busiest = ", ".join(f"{k} {v:.1f}" for k, v in list(smp["redis_calls_per_s"].items())[:6])
        cores = ", ".join(f"{k} {v:.3f}" for k, v in smp["cores"].items() if "." not in k)
        lines += ["", f"Idle sample ({smp['seconds']} s with no load, after the rounds): Redis "
                  f"executed {smp['redis_commands_per_s']:.1f} commands/s ({busiest}); cores "
                  f"used: {cores}."]
    lines.append("")
    return lines


def per_run_lines(all_runs):
    """Every run, warm-ups (round 0) included, in the order they ran."""
    redis = any("redis_commands_per_request" in r for r in all_runs)
    lines = [
        "Per run (round 0 is the warm-up):",
        "",
        "| round | target | c | req/s | p50 ms | p99 ms | settle s | cores: wrk "
        "| kernel threads | other tenants | gateway's count |"
        + (" Redis commands/req |" if redis else ""),
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|" + ("---:|" if redis else ""),
    ]
    for r in sorted(all_runs, key=lambda r: (r["round"], r["started"])):
        counts = ", ".join(f"{k} {v:.0f}" for k, v in sorted(r.get("gateway_counts", {}).items()))
        lines.append(f"| {r['round']} | {r['target']} | {r['concurrency']} | {r['rps']:,.0f} "
                     f"| {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {r['settle_s']} "
                     f"| {r.get('wrk_cores', '?')} | {r.get('kernel_cores', '?')} "
                     f"| {r.get('other_cores', r.get('untracked_cores'))} | {counts} |"
                     + (f" {fmt(r.get('redis_commands_per_request'), 2)} |" if redis else ""))
    return lines




def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "port-free":
        port_free(args)
    elif cmd == "wait-port":
        wait_port(*args)
    elif cmd == "children":
        print(" ".join(map(str, children(int(args[0]), args[1] if len(args) > 1 else None))))
    elif cmd == "add-key":
        add_key(*args)
    elif cmd == "measure":
        measure(args)
    elif cmd == "monitor":
        monitor(args)
    elif cmd == "idle":
        idle(args)
    elif cmd == "machine":
        print(f"{machine()}; {first_line(['java', '-version'])}")
    elif cmd == "meta":
        meta(args[0], args[1:])
    elif cmd == "summarise":
        summarise(*args)
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
