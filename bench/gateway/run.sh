#!/usr/bin/env bash
# Gateway forwarding benchmark (issue 12, "Forward at the speed of the best proxies").
#
#   bench/gateway/run.sh            non-streamed chat completions through four targets (below)
#   bench/gateway/run.sh stream     streamed chat completions, gateway + miner vs the mock
#   bench/gateway/run.sh up         start the four targets, print how to load them, wait for
#                                   Ctrl-C (for profiling by hand)
#   bench/gateway/run.sh several    one gateway against three sharing one Redis (issue 15), below
#
# Everything runs on loopback and is stopped on exit (only what this script started):
#   mock          Debian nginx, 1 worker, answering POST /v1/chat/completions with a fixed 3 KB
#                 chat completion carrying log-probabilities (fixtures/chat-answer.json)
#   nginx-1w      nginx, 1 worker, as a plain keep-alive reverse proxy in front of the mock
#   vertx-proxy   BareVertxProxy (bench module): a reverse proxy on Vert.x that only forwards,
#                 in front of the mock; the floor of the gateway's own HTTP stack
#   assay         gateway (java -jar gateway/target/assay-gateway.jar serve, private Redis)
#                 -> reference miner (assay-miner.jar, llm task with backend: upstream) -> mock
#   gateway-stub  a second gateway (own Redis) -> StubMiner (bench module): the whole miner
#                 protocol through the SDK, answer from memory: the gateway alone
# wrk sends the same 305-byte request to each (fixtures/chat-request.json), at every
# concurrency in BENCH_CONCURRENCY, in BENCH_ROUNDS interleaved rounds. CPU per request of each
# process comes from /proc (harness.py). Results: bench/results/gateway-<date>.{md,json}.
#
# several: three gateways with one identity, each its own data folder, all on one standalone
# redis-server (append-only file, fsync every second, no snapshots: as a gateway's private one),
# forwarding to one StubMiner; one nginx (1 worker) balancing round robin over keep-alive
# connections, to the first gateway alone (1gw-lb) or to all three (3gw-lb); wrk also straight
# to the first gateway (1gw-direct). Each with an API key without limits and with one whose
# requests-per-minute limit (BENCH_LIMIT_RPM) is never reached (the -rpm targets). Besides CPU,
# Redis's commands per request (INFO), and MONITOR samples telling the round trips the gateways
# send from the commands their scripts run. Results: bench/results/gateway-several-<date>.*
#
# Settings (environment):
#   BENCH_ROUNDS=3  BENCH_DURATION=10 (s per run)  BENCH_WARMUP=60 (s of load per JVM target
#   before the rounds; the nginx targets get 5 s)  BENCH_CHECKING=embedded|off (the gateways'
#   embedded checking server, on by default as in production; off by default in several mode)
#   BENCH_CONCURRENCY="1 64" ("64" in several mode)  BENCH_WRK_THREADS=1
#   BENCH_PORT_BASE=18400 (uses +1..+8; several mode +6 and +9..+14)
#   BENCH_LIMIT_RPM=10000000 (several mode: the limited key's requests per minute)
#   BENCH_STREAMS="10 200 2000" (stream mode)  BENCH_JAVA_OPTS (gateway and miner JVMs)
#   BENCH_RESULTS=bench/results  BENCH_KEEP=1 keeps the work folder (logs, configs)
# Works from any folder; builds the jars when they are missing (not when they are stale: run
# ./mvnw -o -q -Pbench -DskipTests package after changing code).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
MODE="${1:-forward}"
case "$MODE" in forward|stream|up|several) ;;
  *) echo "usage: $0 [forward|stream|up|several]" >&2; exit 2 ;; esac

ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-60}
CHECKING=${BENCH_CHECKING:-$([ "$MODE" = several ] && echo off || echo embedded)}
CONCURRENCY=${BENCH_CONCURRENCY:-$([ "$MODE" = several ] && echo 64 || echo "1 64")}
WRK_THREADS=${BENCH_WRK_THREADS:-1}
STREAMS=${BENCH_STREAMS:-"10 200 2000"}
PORT_BASE=${BENCH_PORT_BASE:-18400}
RESULTS=${BENCH_RESULTS:-$REPO/bench/results}
read -r -a JAVA_OPTS <<<"${BENCH_JAVA_OPTS:-}"

MOCK_PORT=$((PORT_BASE + 1)) PROXY_PORT=$((PORT_BASE + 2))
GW_PORT=$((PORT_BASE + 3)) MINER_PORT=$((PORT_BASE + 4))
STUB_GW_PORT=$((PORT_BASE + 5)) STUB_MINER_PORT=$((PORT_BASE + 6))
SSE_PORT=$((PORT_BASE + 7)) BARE_PORT=$((PORT_BASE + 8))
SHARED_REDIS_PORT=$((PORT_BASE + 9)) LB1_PORT=$((PORT_BASE + 10)) LB3_PORT=$((PORT_BASE + 11))
FLEET_PORTS=($((PORT_BASE + 12)) $((PORT_BASE + 13)) $((PORT_BASE + 14)))
LIMIT_RPM=${BENCH_LIMIT_RPM:-10000000}

GATEWAY_JAR=$REPO/gateway/target/assay-gateway.jar
MINER_JAR=$REPO/miner-sdk/target/assay-miner.jar
BENCH_JAR=$REPO/bench/target/benchmarks.jar
FIXTURES=$HERE/fixtures
HARNESS=(python3 "$HERE/harness.py")

log() { echo "[$(date +%H:%M:%S)] $*"; }
die() { echo "run.sh: $*" >&2; exit 1; }
case "$CHECKING" in embedded|off) ;; *) die "BENCH_CHECKING must be embedded or off" ;; esac

# ---------------------------------------------------------------- tools and jars

if ! command -v nginx >/dev/null && [ -x /usr/sbin/nginx ]; then PATH=$PATH:/usr/sbin; fi
missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  SUDO=(); [ "$(id -u)" = 0 ] || SUDO=(sudo)
  "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q "${missing[@]}"
fi
command -v python3 >/dev/null || die "python3 is needed (standard library only)"
command -v redis-server >/dev/null || die "redis-server is needed (Debian: apt-get install redis-server)"

if [ ! -f "$GATEWAY_JAR" ] || [ ! -f "$MINER_JAR" ] || [ ! -f "$BENCH_JAR" ] \
    || [ -n "$(find "$REPO/bench/src" -newer "$BENCH_JAR" -name '*.java' -print -quit)" ]; then
  # -Pbench adds the bench module (StubMiner, the SSE mock and client) to the reactor, so it is
  # built against this checkout's modules, not whatever another checkout installed in ~/.m2;
  # 'package' rather than 'install' leaves ~/.m2, shared with other checkouts, alone.
  log "building the jars (./mvnw -o -q -Pbench -DskipTests package; a few minutes)"
  (cd "$REPO" && ./mvnw -o -q -Pbench -DskipTests package)
fi

# ---------------------------------------------------------------- processes we own

WORK=$(mktemp -d "${TMPDIR:-/tmp}/assay-gwbench.XXXXXX")
PIDS=()      # started by us, stopped in reverse order
ORPHANS=()   # started by our processes (the gateways' private Redis): killed if left behind

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  # JVMs stop their parts (a gateway its Redis) on SIGTERM; give them time, then insist.
  for _ in $(seq 50); do
    local alive=0
    for pid in "${PIDS[@]}" "${ORPHANS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${PIDS[@]}" "${ORPHANS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [ "$status" != 0 ] || [ -n "${BENCH_KEEP:-}" ]; then
    echo "run.sh: logs and configs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
# Ctrl-C is how 'up' is meant to end; elsewhere it is an interrupted run (logs kept).
if [ "$MODE" = up ]; then trap 'exit 0' INT TERM; else trap 'exit 130' INT TERM; fi

# start NAME LOG COMMAND...: runs COMMAND in the background, remembers its pid as PID_NAME.
start() {
  local name=$1 out=$2
  shift 2
  "$@" >"$out" 2>&1 &
  PIDS+=($!)
  printf -v "PID_$name" '%s' $!
}

# wait_port PID PORT WHAT: until PORT accepts connections, failing early if PID died.
wait_port() {
  local pid=$1 port=$2 what=$3 log_file=$4
  for _ in $(seq 1200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log_file" >&2; die "$what exited"; }
    sleep 0.1
  done
  tail -n 30 "$log_file" >&2
  die "$what is not listening on port $port after 120 s"
}

case "$MODE" in
  forward|up) "${HARNESS[@]}" port-free "$MOCK_PORT" "$PROXY_PORT" "$GW_PORT" "$MINER_PORT" \
    "$STUB_GW_PORT" "$STUB_MINER_PORT" "$BARE_PORT" ;;
  stream) "${HARNESS[@]}" port-free "$GW_PORT" "$MINER_PORT" "$SSE_PORT" ;;
  several) "${HARNESS[@]}" port-free "$STUB_MINER_PORT" "$SHARED_REDIS_PORT" "$LB1_PORT" \
    "$LB3_PORT" "${FLEET_PORTS[@]}" ;;
esac
log "work folder $WORK; machine load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- nginx: mock and proxy

# nginx_conf DIR BODY: a one-worker nginx whose files all live in DIR; BODY is its server block.
# keepalive_requests is raised from 1000 so that neither nginx closes wrk's (or the miner's)
# connections mid-run: the gateway never does, and reconnects would be measured as nginx cost.
nginx_conf() {
  local dir=$1 server=$2
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
$server
}
EOF
}

# proxy_server PORT UPSTREAM: a server block passing everything to UPSTREAM over keep-alive
# connections.
proxy_server() {
  echo "  server {
    listen 127.0.0.1:$1;
    location / {
      proxy_pass http://$2;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
  }"
}

start_nginx_pair() {
  # The answer goes inline into 'return': nginx's static module refuses POST, and the fixture
  # holds no quote, backslash or '$' that nginx would read as syntax.
  local answer
  answer=$(tr -d '\n' <"$FIXTURES/chat-answer.json")
  case "$answer" in *"'"* | *'$'* | *'\'*) die "chat-answer.json must not contain ' \$ or \\" ;; esac
  nginx_conf "$WORK/mock" "  server {
    listen 127.0.0.1:$MOCK_PORT;
    location = /v1/chat/completions {
      default_type application/json;
      return 200 '$answer';
    }
  }"
  nginx_conf "$WORK/proxy" "  upstream mock {
    server 127.0.0.1:$MOCK_PORT;
    keepalive 128;
  }
$(proxy_server "$PROXY_PORT" mock)"
  start mock "$WORK/mock/out.log" nginx -c "$WORK/mock/nginx.conf" -p "$WORK/mock"
  start proxy "$WORK/proxy/out.log" nginx -c "$WORK/proxy/nginx.conf" -p "$WORK/proxy"
  wait_port "$PID_mock" "$MOCK_PORT" "mock nginx" "$WORK/mock/error.log"
  wait_port "$PID_proxy" "$PROXY_PORT" "proxy nginx" "$WORK/proxy/error.log"
  start bare "$WORK/bare.log" java "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" \
    io.assay.bench.gateway.BareVertxProxy "$BARE_PORT" "$MOCK_PORT"
  wait_port "$PID_bare" "$BARE_PORT" "bare Vert.x proxy" "$WORK/bare.log"
}

# ---------------------------------------------------------------- gateway and miners

# Scoring as in production (60-minute periods, 20-minute cadence, synthetic tests on, embedded
# checking server checking 10 % of organic answers) with one change: the declaration grace is
# the longest the gateway allows (0.2 of the period). No test window can open before the grace
# ends, and with one miner taking all the load, a window during a run would either cap it at
# c_W (503s once the window's share is used) or fill it with synthetic requests at the declared
# rate, neither of which production with many miners sees. The window comes after the run.
# A longer run lengthens the period so that the grace still covers it.
runs_per_round=$(($(wc -w <<<"$CONCURRENCY") * $([ "$MODE" = several ] && echo 6 || echo 4)))
est_seconds=$((120 + 2 * WARMUP + ROUNDS * runs_per_round * (DURATION + 4)))
[ "$MODE" != several ] || est_seconds=$((est_seconds + WARMUP + 100))  # warm-ups, samples
GRACE_S=$(((est_seconds + 120) > 720 ? est_seconds + 120 : 720))
PERIOD_S=$((GRACE_S * 5 > 3600 ? GRACE_S * 5 : 3600))
# The volume window (scoring.volume_window, 3 days) must hold a whole number of periods.
while ((259200 % PERIOD_S)); do PERIOD_S=$((PERIOD_S + 1)); done
# Declared volume (output tokens per period) and concurrency: far beyond what a run asks, so
# that neither the gateway (which never asks more than the declaration, nor more than
# c - c_W outside the window) nor the miner (429 beyond it) limits the load.
CAPACITY=10000000000
MINER_CONCURRENCY=$([ "$MODE" = stream ] && echo 4096 || echo 256)

keygen() { java -jar "$GATEWAY_JAR" keygen --out "$1" | tail -n 1; }

# gateway_config DIR PORT MINER_NAME MINER_PORT MINER_HOTKEY
gateway_config() {
  cat >"$1/assay.yaml" <<EOF
# Generated by bench/gateway/run.sh. Keys not named here take the defaults of
# config/assay.yaml. One task (llm/reference-lm), one miner.
gateway:
  host: 127.0.0.1
  port: $2
  data_dir: data
  max_requests_in_flight_per_key: 8192   # default 1024: the benchmark's one key opens 2,000 streams
redis:
  url: ""                         # a private redis-server in data/redis (several: ASSAY_REDIS_URL)
checking:
  embedded: $([ "$CHECKING" = embedded ] && echo true || echo false)  # checks 10 % of organic answers
scoring:
  period: ${PERIOD_S}s
  declaration_grace: ${GRACE_S}s  # default 2m: see run.sh, keeps test windows out of the run
tasks:
  - kind: llm
    model: reference-lm
    weight: 1.0
    max_capacity: $CAPACITY       # default 20,000,000: raised with the miner's declaration
    units_per_request: 128
miners:
  - name: $3
    url: http://127.0.0.1:$4
    hotkey: $5
EOF
}

# start_gateway NAME DIR PORT [REDIS_URL IDENTITY]: starts it and waits for it. Alone, it starts
# its private Redis: finds it (REDIS_NAME) and stores an API key there (KEY_NAME). Given a Redis
# and an identity file, it runs on them as one of several gateways (ASSAY_REDIS_URL,
# ASSAY_GATEWAY_IDENTITY_FILE).
start_gateway() {
  local name=$1 dir=$2 port=$3 shared=${4:-} pid redis_pid redis_port key fleet=()
  [ -z "$shared" ] || fleet=(ASSAY_REDIS_URL="$shared" ASSAY_GATEWAY_IDENTITY_FILE="$5")
  start "$name" "$dir/out.log" env "${fleet[@]}" java "${JAVA_OPTS[@]}" -jar "$GATEWAY_JAR" \
    serve --config "$dir/assay.yaml"
  pid=$(eval echo "\$PID_$name")
  wait_port "$pid" "$port" "gateway $name" "$dir/out.log"
  if [ -n "$shared" ]; then return 0; fi
  redis_pid=$("${HARNESS[@]}" children "$pid" redis-server | awk '{print $1}')
  [ -n "$redis_pid" ] || die "gateway $name has no redis-server child (redis.url set in the environment?)"
  ORPHANS+=("$redis_pid")
  printf -v "REDIS_$name" '%s' "$redis_pid"
  # redis-server rewrites its command line as "NAME 127.0.0.1:PORT"; its first one had --port.
  redis_port=$(tr '\0' ' ' <"/proc/$redis_pid/cmdline" | grep -oE '(--port |:)[0-9]+' \
    | head -n 1 | grep -oE '[0-9]+') || die "cannot tell the port of gateway $name's Redis"
  key=$("${HARNESS[@]}" add-key "$redis_port")
  printf -v "KEY_$name" '%s' "$key"
}

start_assay() {
  local upstream=$1   # the mock's base URL
  mkdir -p "$WORK/gw/data" "$WORK/miner"
  local gw_hotkey miner_hotkey
  gw_hotkey=$(keygen "$WORK/gw/data/validator.key")
  miner_hotkey=$(java -jar "$MINER_JAR" keygen --out "$WORK/miner/miner.key" | tail -n 1)
  cat >"$WORK/miner/miner.yaml" <<EOF
# Generated by bench/gateway/run.sh: the reference miner forwarding to the mock upstream.
name: bench-miner
identity_file: miner.key
host: 127.0.0.1
port: $MINER_PORT
period: ${PERIOD_S}s
accept_validators: ["$gw_hotkey"]
tasks:
  - kind: llm
    model: reference-lm
    capacity: $CAPACITY
    max_concurrency: $MINER_CONCURRENCY
    backend: upstream
    upstream:
      base_url: $upstream
      model: mock-model
      timeout: 60s
EOF
  # The miner first: the gateway binds a period's declaration at its first capacity poll.
  start miner "$WORK/miner/out.log" java "${JAVA_OPTS[@]}" -jar "$MINER_JAR" \
    --config "$WORK/miner/miner.yaml"
  wait_port "$PID_miner" "$MINER_PORT" "miner" "$WORK/miner/out.log"
  gateway_config "$WORK/gw" "$GW_PORT" bench-miner "$MINER_PORT" "$miner_hotkey"
  start_gateway gw "$WORK/gw" "$GW_PORT"
}

# start_stub_miner VALIDATOR_HOTKEY: the StubMiner, serving that validator; its hotkey goes in
# STUB_HOTKEY.
start_stub_miner() {
  mkdir -p "$WORK/stub"
  STUB_HOTKEY=$(keygen "$WORK/stub/stub.key")
  start stub "$WORK/stub/out.log" java "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" \
    io.assay.bench.gateway.StubMiner --identity "$WORK/stub/stub.key" --port "$STUB_MINER_PORT" \
    --validator "$1" --request "$FIXTURES/chat-request.json" \
    --answer "$FIXTURES/chat-answer.json" --capacity "$CAPACITY" \
    --concurrency "$MINER_CONCURRENCY" --period-seconds "$PERIOD_S"
  wait_port "$PID_stub" "$STUB_MINER_PORT" "stub miner" "$WORK/stub/out.log"
}

start_stub() {
  mkdir -p "$WORK/stubgw/data"
  local gw_hotkey
  gw_hotkey=$(keygen "$WORK/stubgw/data/validator.key")
  start_stub_miner "$gw_hotkey"
  gateway_config "$WORK/stubgw" "$STUB_GW_PORT" stub-miner "$STUB_MINER_PORT" "$STUB_HOTKEY"
  start_gateway stubgw "$WORK/stubgw" "$STUB_GW_PORT"
}

# ---------------------------------------------------------------- forward mode

# check_target NAME URL KEY: one request; it must be a 200 carrying log-probabilities.
check_target() {
  local name=$1 url=$2 key=$3 code
  code=$(curl -s -o "$WORK/check-$name.json" -w '%{http_code}' -X POST "$url" \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $key" \
    --data-binary "@$FIXTURES/chat-request.json")
  [ "$code" = 200 ] || { cat "$WORK/check-$name.json" >&2; die "$name answered $code"; }
  grep -q '"top_logprobs":\[{' "$WORK/check-$name.json" \
    || die "$name answered without log-probabilities: $(head -c 300 "$WORK/check-$name.json")"
  log "  $name: 200, $(wc -c <"$WORK/check-$name.json") bytes"
}

# write_meta KEY=VALUE...: the run's facts into $WORK/meta.json: commit, settings, and these.
write_meta() {
  "${HARNESS[@]}" meta "$WORK/meta.json" \
    "commit=$(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- gateway miner-sdk tasks || echo '+local changes')" \
    "rounds=$ROUNDS" "duration_s=$DURATION" "warmup_s=$WARMUP" "wrk_threads=$WRK_THREADS" \
    "concurrency=$CONCURRENCY" "period_s=$PERIOD_S" "grace_s=$GRACE_S" "checking=$CHECKING" \
    "request_bytes=$(wc -c <"$FIXTURES/chat-request.json")" \
    "answer_bytes=$(wc -c <"$FIXTURES/chat-answer.json")" "java_opts=${BENCH_JAVA_OPTS:-}" "$@"
}

# measure TARGET CONCURRENCY SECONDS ROUND: one wrk run, a line in $RUNS. The caller sets URL
# and KEY (by target), METRICS (by target: gateways' /metrics, comma-separated), TRACKED (the
# processes whose CPU counts, name=pid,...) and, to count Redis's commands, COUNT_REDIS (a port).
measure() {
  "${HARNESS[@]}" measure "$RUNS" "$1" "$2" "${URL[$1]}" "$3" "$WRK_THREADS" "$4" \
    "$TRACKED" "$HERE/chat.lua" "$FIXTURES/chat-request.json" "${KEY[$1]}" "${METRICS[$1]:-}" \
    "${COUNT_REDIS:-}"
}

# rounds "TARGET:SECONDS..." TARGET...: a warm-up run of each TARGET:SECONDS at the highest
# concurrency (round 0), then ROUNDS rounds running every TARGET at every concurrency.
rounds() {
  local warmups=$1 w r c i top
  shift
  local targets=("$@") n=$#
  top=$(tr ' ' '\n' <<<"$CONCURRENCY" | sort -n | tail -n 1)
  for w in $warmups; do measure "${w%:*}" "$top" "${w##*:}" 0; done
  for r in $(seq "$ROUNDS"); do
    log "round $r of $ROUNDS"
    # Each round starts one target later, so no target always runs right after the same one.
    for c in $CONCURRENCY; do
      for i in $(seq 0 $((n - 1))); do
        measure "${targets[(i + r - 1) % n]}" "$c" "$DURATION" "$r"
      done
    done
  done
}

forward() {
  start_nginx_pair
  start_assay "http://127.0.0.1:$MOCK_PORT/v1"
  start_stub

  declare -A URL=(
    [mock]="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
    [nginx-1w]="http://127.0.0.1:$PROXY_PORT/v1/chat/completions"
    [vertx-proxy]="http://127.0.0.1:$BARE_PORT/v1/chat/completions"
    [assay]="http://127.0.0.1:$GW_PORT/v1/chat/completions"
    [gateway-stub]="http://127.0.0.1:$STUB_GW_PORT/v1/chat/completions")
  declare -A KEY=([mock]=$KEY_gw [nginx-1w]=$KEY_gw [vertx-proxy]=$KEY_gw [assay]=$KEY_gw
    [gateway-stub]=$KEY_stubgw)
  local targets=(mock nginx-1w vertx-proxy assay gateway-stub)
  log "one request to each target:"
  for t in "${targets[@]}"; do check_target "$t" "${URL[$t]}" "${KEY[$t]}"; done

  # Every run accounts the CPU of all these; '+' includes the pid's children (nginx workers).
  local TRACKED="gateway=$PID_gw,miner=$PID_miner,redis=$REDIS_gw"
  TRACKED+=",stub-gateway=$PID_stubgw,stub-miner=$PID_stub,stub-redis=$REDIS_stubgw"
  TRACKED+=",mock-nginx+=$PID_mock,proxy-nginx+=$PID_proxy,vertx-proxy=$PID_bare"

  mkdir -p "$RESULTS"
  local prefix RUNS=$WORK/runs.jsonl
  prefix=$RESULTS/gateway-$(date +%Y%m%d-%H%M)
  : >"$RUNS"
  write_meta

  # Gateway targets also report their own /metrics (answers by status, miner calls by outcome).
  declare -A METRICS=([assay]="http://127.0.0.1:$GW_PORT/metrics"
    [gateway-stub]="http://127.0.0.1:$STUB_GW_PORT/metrics")
  # The JVMs need a long warm-up on two shared cores: C2 competes with the load it compiles for,
  # and throughput through the gateway was seen to rise for 60 to 80 s (5x from the first 10 s).
  log "warm-up at the highest concurrency: ${WARMUP} s per JVM target, 5 s per nginx one"
  local warmups="" t
  for t in "${targets[@]}"; do
    case "$t" in assay|gateway-stub|vertx-proxy) warmups+=" $t:$WARMUP" ;; *) warmups+=" $t:5" ;; esac
  done
  rounds "$warmups" "${targets[@]}"
  "${HARNESS[@]}" summarise "$WORK/meta.json" "$RUNS" "$prefix"
  log "wrote $prefix.md and $prefix.json"
}

# ---------------------------------------------------------------- up mode

up() {
  start_nginx_pair
  start_assay "http://127.0.0.1:$MOCK_PORT/v1"
  start_stub
  cat <<EOF
Up (pids: mock nginx $PID_mock, proxy nginx $PID_proxy, Vert.x proxy $PID_bare, gateway $PID_gw, miner $PID_miner,
Redis $REDIS_gw, stub gateway $PID_stubgw, stub miner $PID_stub, stub Redis $REDIS_stubgw).
Load one with, e.g.:
  BENCH_BODY=$FIXTURES/chat-request.json BENCH_KEY=$KEY_gw \\
    wrk -t1 -c64 -d10s --latency -s $HERE/chat.lua http://127.0.0.1:$GW_PORT/v1/chat/completions
mock :$MOCK_PORT, nginx-1w :$PROXY_PORT, vertx-proxy :$BARE_PORT, assay :$GW_PORT (key $KEY_gw),
gateway-stub :$STUB_GW_PORT (key $KEY_stubgw). Ctrl-C stops everything.
EOF
  wait
}

# ---------------------------------------------------------------- stream mode

stream() {
  # The SSE mock (bench module, Vert.x): 64 chunks 20 ms apart, each one token with its
  # log-probabilities, then the finish reason, usage and [DONE].
  start sse "$WORK/sse.log" java -cp "$BENCH_JAR" io.assay.bench.gateway.SseMock --port "$SSE_PORT"
  wait_port "$PID_sse" "$SSE_PORT" "SSE mock" "$WORK/sse.log"
  start_assay "http://127.0.0.1:$SSE_PORT/v1"
  mkdir -p "$RESULTS"
  local prefix
  prefix=$RESULTS/gateway-stream-$(date +%Y%m%d-%H%M)
  log "streams: ${STREAMS} at once, directly to the mock and through gateway + miner"
  cat >"$prefix.md" <<EOF
# Gateway streaming: $(date '+%Y-%m-%d %H:%M')

Machine: $("${HARNESS[@]}" machine). Load average before: $(cut -d' ' -f1-3 /proc/loadavg).
Commit $(git -C "$REPO" rev-parse --short HEAD). SSE mock: 64 chunks 20 ms apart (1.26 s a
stream at best); gateway as in \`run.sh\` (embedded checking server: $([ "$CHECKING" = embedded ] && echo on || echo off)), miner
declaring 4096 streams at once. $ROUNDS rounds after a warm-up (round 0); medians over rounds.

EOF
  # In the background, so that a TERM to this script stops it at once (bash runs traps only
  # between foreground commands); its per-run lines go to the terminal as they come.
  start client "$WORK/client.md" java -cp "$BENCH_JAR" io.assay.bench.gateway.StreamClient \
    --mock "http://127.0.0.1:$SSE_PORT/v1/chat/completions" \
    --gateway "http://127.0.0.1:$GW_PORT/v1/chat/completions" --key "$KEY_gw" \
    --streams "$STREAMS" --rounds "$ROUNDS" --gateway-pid "$PID_gw" --miner-pid "$PID_miner" \
    --mock-pid "$PID_sse" --out "$prefix.json"
  tail -f "$WORK/client.md" --pid "$PID_client" &
  wait "$PID_client" || die "the stream client failed (see $WORK/client.md)"
  # stdout is the table; the per-run JSON lines went to stderr, into the same file.
  grep -v '^  {' "$WORK/client.md" >>"$prefix.md"
  echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)." >>"$prefix.md"
  log "wrote $prefix.md and $prefix.json"
}


# ---------------------------------------------------------------- several mode

several() {
  # One redis-server for all the gateways, persisted as a gateway's private one is (PrivateRedis:
  # append-only file, fsync every second, no snapshots).
  mkdir -p "$WORK/redis"
  start redis "$WORK/redis/out.log" redis-server --port "$SHARED_REDIS_PORT" --bind 127.0.0.1 \
    --dir "$WORK/redis" --appendonly yes --appendfsync everysec --save "" --daemonize no
  wait_port "$PID_redis" "$SHARED_REDIS_PORT" "redis-server" "$WORK/redis/out.log"
  local redis_url=redis://127.0.0.1:$SHARED_REDIS_PORT gw_hotkey i
  gw_hotkey=$(keygen "$WORK/validator.key")
  start_stub_miner "$gw_hotkey"
  for i in 1 2 3; do
    mkdir -p "$WORK/gw$i/data"
    gateway_config "$WORK/gw$i" "${FLEET_PORTS[i - 1]}" stub-miner "$STUB_MINER_PORT" "$STUB_HOTKEY"
    start_gateway "gw$i" "$WORK/gw$i" "${FLEET_PORTS[i - 1]}" "$redis_url" "$WORK/validator.key"
  done
  # One nginx, two addresses: every request to the first gateway, or round robin over all three.
  nginx_conf "$WORK/lb" "  upstream one {
    server 127.0.0.1:${FLEET_PORTS[0]};
    keepalive 128;
  }
  upstream three {
    server 127.0.0.1:${FLEET_PORTS[0]};
    server 127.0.0.1:${FLEET_PORTS[1]};
    server 127.0.0.1:${FLEET_PORTS[2]};
    keepalive 128;
  }
$(proxy_server "$LB1_PORT" one)
$(proxy_server "$LB3_PORT" three)"
  start lb "$WORK/lb/out.log" nginx -c "$WORK/lb/nginx.conf" -p "$WORK/lb"
  wait_port "$PID_lb" "$LB1_PORT" "nginx" "$WORK/lb/error.log"
  wait_port "$PID_lb" "$LB3_PORT" "nginx" "$WORK/lb/error.log"

  local free limited
  free=$("${HARNESS[@]}" add-key "$SHARED_REDIS_PORT")
  limited=$("${HARNESS[@]}" add-key "$SHARED_REDIS_PORT" "$LIMIT_RPM")
  local path=/v1/chat/completions metrics="" t
  for i in 0 1 2; do metrics+="${metrics:+,}http://127.0.0.1:${FLEET_PORTS[i]}/metrics"; done
  declare -A URL=([1gw-direct]="http://127.0.0.1:${FLEET_PORTS[0]}$path"
    [1gw-lb]="http://127.0.0.1:$LB1_PORT$path" [3gw-lb]="http://127.0.0.1:$LB3_PORT$path")
  declare -A KEY=() METRICS=()
  for t in 1gw-direct 1gw-lb 3gw-lb; do
    URL[$t-rpm]=${URL[$t]} KEY[$t]=$free KEY[$t-rpm]=$limited METRICS[$t]=$metrics METRICS[$t-rpm]=$metrics
  done
  local targets=(1gw-direct 1gw-lb 3gw-lb 1gw-direct-rpm 1gw-lb-rpm 3gw-lb-rpm)
  log "one request to each target:"
  for t in "${targets[@]}"; do check_target "$t" "${URL[$t]}" "${KEY[$t]}"; done

  local TRACKED="gateway-1=$PID_gw1,gateway-2=$PID_gw2,gateway-3=$PID_gw3"
  TRACKED+=",stub-miner=$PID_stub,redis=$PID_redis,lb-nginx+=$PID_lb"
  local COUNT_REDIS=$SHARED_REDIS_PORT RUNS=$WORK/runs.jsonl samples=$WORK/samples.jsonl prefix
  mkdir -p "$RESULTS"
  prefix=$RESULTS/gateway-several-$(date +%Y%m%d-%H%M)
  : >"$RUNS"
  : >"$samples"
  write_meta mode=several gateways=3 "targets=${targets[*]}" "limit_rpm=$LIMIT_RPM" \
    "redis=$(redis-server --version | cut -d' ' -f1-3) (--appendonly yes --appendfsync everysec --save '')"

  # The first gateway warms alone; then all three through the balancer, twice as long, since
  # three JVMs compile at once on two cores, each with a third of the load.
  log "warm-up: ${WARMUP} s to one gateway, $((2 * WARMUP)) s to three, 10 s each other target"
  rounds "1gw-direct:$WARMUP 3gw-lb:$((2 * WARMUP)) 1gw-lb:10 1gw-direct-rpm:10 1gw-lb-rpm:10 3gw-lb-rpm:10" \
    "${targets[@]}"
  log "MONITOR samples (not measured runs) and the idle sample"
  local top
  top=$(tr ' ' '\n' <<<"$CONCURRENCY" | sort -n | tail -n 1)
  for t in 3gw-lb 3gw-lb-rpm; do
    "${HARNESS[@]}" monitor "$samples" "$t" "$SHARED_REDIS_PORT" 3 "$top" "${URL[$t]}" \
      "$HERE/chat.lua" "$FIXTURES/chat-request.json" "${KEY[$t]}"
  done
  "${HARNESS[@]}" idle "$samples" "$SHARED_REDIS_PORT" 10 "$TRACKED"
  "${HARNESS[@]}" summarise "$WORK/meta.json" "$RUNS" "$prefix" "$samples"
  log "wrote $prefix.md and $prefix.json"
}

"$MODE"
