#!/usr/bin/env python3
"""Helpers for bench/gateway/run.sh (standard library only).

    harness.py port-free PORT...            fail naming the first port something listens on
    harness.py wait-port PORT SECONDS       wait until 127.0.0.1:PORT accepts connections
    harness.py children PID [PREFIX]        pids of PID's children (whose name starts with PREFIX)
    harness.py add-key REDIS_PORT           store a new user API key in the gateway's Redis,
                                            print the bearer token
    harness.py measure ...                  one wrk run with CPU accounting (see measure())
    harness.py machine                      one line: cores, CPU, memory, kernel, Java
    harness.py meta OUT.json KEY=VALUE...   the run's facts: machine, versions, settings
    harness.py summarise META RUNS PREFIX   PREFIX.json (meta + every run) and PREFIX.md (the
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


def gateway_counts(url):
    """Requests by status and miner calls by outcome from a gateway's /metrics, or {}."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            text = r.read().decode()
    except OSError:
        return {}
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
            if base.endswith("gateway"):  # gateway, stub-gateway
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
    """One Redis command in RESP, answer read as a line (enough for HSET and SADD)."""
    out = f"*{len(args)}\r\n"
    for a in args:
        b = str(a).encode()
        out += f"${len(b)}\r\n" + b.decode() + "\r\n"
    sock.sendall(out.encode())
    line = sock.makefile("rb").readline().decode().strip()
    if line.startswith("-"):
        sys.exit(f"redis refused {args[0]}: {line}")
    return line


def add_key(redis_port):
    """Writes a user key the way ApiKeys.create does (hash of the token, role, no rate limit):
    `serve` has no command for a first key, and devnet cannot front an upstream-backed miner."""
    token = "sk-assay-bench-" + secrets.token_urlsafe(18)
    digest = hashlib.sha256(token.encode()).hexdigest()
    with socket.create_connection(("127.0.0.1", int(redis_port)), timeout=5) as s:
        resp(s, "HSET", f"assay:apikey:{{{digest}}}", "name", "bench", "role", "user", "rpm", "0",
             "created_at", datetime.now(timezone.utc).isoformat())
        resp(s, "SADD", "assay:apikeys", digest)
    print(token)


# ------------------------------------------------------------------ one measured run

def measure(argv):
    """measure RAW.jsonl TARGET CONCURRENCY URL DURATION THREADS ROUND TRACKED LUA BODY KEY
               [METRICS_URL]

    Waits for the tracked processes to settle, snapshots their CPU, runs wrk, snapshots again,
    and appends one JSON line: wrk's exact figures (from the Lua done() hook), CPU per request
    of every tracked process, the machine's other CPU (wrk, kernel threads, other tenants) and,
    given a gateway's /metrics, what the gateway counted meanwhile. TRACKED is
    name=pid,...; a name ending in '+' includes the pid's children (nginx workers)."""
    (raw, target, conc, url, duration, threads, rnd, spec, lua, body, key) = argv[:11]
    metrics = argv[11] if len(argv) > 11 else None  # a gateway's /metrics, for its statuses
    tracked = Tracked(spec)
    waited = settle(tracked, 20)
    load_before = open("/proc/loadavg").read().split()[:3]
    env = dict(os.environ, BENCH_BODY=body, BENCH_KEY=key)
    cmd = ["wrk", "-t", threads, "-c", conc, "-d", f"{duration}s", "--latency", "-s", lua, url]
    counts0 = gateway_counts(metrics) if metrics else {}
    before, mb, kb, t0 = tracked.snapshot(), machine_ticks(), kernel_ticks(), time.time()
    wrk0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wrk1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    after, ma, ka, t1 = tracked.snapshot(), machine_ticks(), kernel_ticks(), time.time()
    counts1 = gateway_counts(metrics) if metrics else {}
    wrk_s = (wrk1.ru_utime + wrk1.ru_stime) - (wrk0.ru_utime + wrk0.ru_stime)
    if proc.returncode != 0:
        sys.exit(f"wrk failed on {target}: {proc.stderr.strip()}")
    line = next((l for l in proc.stdout.splitlines() if l.startswith("JSON ")), None)
    if line is None:
        sys.exit(f"wrk printed no summary for {target}:\n{proc.stdout}{proc.stderr}")
    w = json.loads(line[5:])
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
    with open(raw, "a") as f:
        f.write(json.dumps(record) + "\n")
    c = record["cpu_us_per_request"]
    print(f"  round {rnd} {target:13} c={conc:>3}: {record['rps']:9.0f} req/s  "
          f"p50 {record['p50_ms']:7.3f} ms  p99 {record['p99_ms']:7.3f} ms  "
          f"non-2xx {record['non2xx']}  errors {record['socket_errors']}  "
          f"cores: wrk {record['wrk_cores']} kernel {record['kernel_cores']} "
          f"other {record['other_cores']}  "
          + (f"gateway {record['gateway_counts']}  " if record["gateway_counts"] else "")
          + " ".join(f"{k} {v:.0f}us" for k, v in c.items() if v >= 0.5), flush=True)


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


def summarise(meta_path, runs_path, prefix):
    data = {"meta": json.load(open(meta_path)),
            "runs": [json.loads(l) for l in open(runs_path) if l.strip()]}
    data["meta"]["load_after"] = " ".join(open("/proc/loadavg").read().split()[:3])
    json.dump(data, open(prefix + ".json", "w"), indent=1)
    out_path = prefix + ".md"
    runs = [r for r in data["runs"] if r["round"] > 0]
    targets = [t for t in PATH_PROCS if any(r["target"] == t for r in runs)]
    concs = sorted({r["concurrency"] for r in runs})
    by = {}
    for r in runs:
        by.setdefault((r["target"], r["concurrency"]), {})[r["round"]] = r
    meta = data["meta"]
    others = [r.get("other_cores", r.get("untracked_cores", 0)) for r in runs]
    lines = [
        f"# Gateway forwarding: {meta['date']}",
        "",
        f"Machine: {meta['machine']}; {meta['java']}; {meta['nginx']}; {meta['wrk']}. "
        f"Load average (1, 5, 15 min) before: {meta['load_before']}, after: "
        f"{meta['load_after']}; other tenants' CPU during the runs (neither ours, wrk's nor "
        f"kernel threads'): median {med(others):.2f} cores, highest {max(others):.2f}; "
        f"{sum(o > 0.25 for o in others)} of {len(others)} runs above 0.25 cores (per-run "
        f"table below). Commit {meta['commit']}.",
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
        "Per run (round 0 is the warm-up):",
        "",
        "| round | target | c | req/s | p50 ms | p99 ms | settle s | cores: wrk "
        "| kernel threads | other tenants | gateway's count |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in sorted(data["runs"], key=lambda r: (r["round"], r["started"])):
        counts = ", ".join(f"{k} {v:.0f}" for k, v in sorted(r.get("gateway_counts", {}).items()))
        lines.append(f"| {r['round']} | {r['target']} | {r['concurrency']} | {r['rps']:,.0f} "
                     f"| {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {r['settle_s']} "
                     f"| {r.get('wrk_cores', '?')} | {r.get('kernel_cores', '?')} "
                     f"| {r.get('other_cores', r.get('untracked_cores'))} | {counts} |")
    open(out_path, "w").write("\n".join(lines) + "\n")
    print("\n".join(lines[:len(lines)]))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "port-free":
        port_free(args)
    elif cmd == "wait-port":
        wait_port(*args)
    elif cmd == "children":
        print(" ".join(map(str, children(int(args[0]), args[1] if len(args) > 1 else None))))
    elif cmd == "add-key":
        add_key(args[0])
    elif cmd == "measure":
        measure(args)
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
