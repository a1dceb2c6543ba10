#!/usr/bin/env bash
# Profiles the gateway and the miner under load with JFR (issue 12, item 5).
#
#   bench/gateway/profile.sh [CHECKOUT]   CHECKOUT: a repository folder whose jars to profile
#                                          (default: this one), e.g. a worktree of an older
#                                          commit for a before/after pair
#
# Starts CHECKOUT's four targets with its own `run.sh up`, loads `assay` (gateway -> miner ->
# mock) and then `gateway-stub` (gateway -> stub miner) with wrk at c=64, each for
# PROFILE_WARMUP seconds (90) and then PROFILE_SECONDS (30) more while JFR records the
# gateway's and the miner's JVMs (settings=profile: a sample every 10 ms per running thread).
# Writes PROFILE_OUT (bench/results/profile-<commit>)/{assay-gateway,assay-miner,stub-gateway}.jfr
# and, for each, top-frames.txt: the hottest methods (self time, where the sample's thread was
# running) and the widest ones (inclusive), over the event-loop and checking threads.
# Uses ports PROFILE_PORT_BASE (18500) + 1..7.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CHECKOUT="$(cd "${1:-$REPO}" && pwd)"
WARMUP=${PROFILE_WARMUP:-90}
SECONDS_=${PROFILE_SECONDS:-30}
PORT_BASE=${PROFILE_PORT_BASE:-18500}
COMMIT=$(git -C "$CHECKOUT" rev-parse --short HEAD)
OUT=${PROFILE_OUT:-$REPO/bench/results/profile-$COMMIT}
mkdir -p "$OUT"
LOG=$OUT/up.log

BENCH_PORT_BASE=$PORT_BASE "$CHECKOUT/bench/gateway/run.sh" up >"$LOG" 2>&1 &
UP=$!
trap 'kill -TERM $UP 2>/dev/null || true; wait $UP 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  grep -q "Ctrl-C stops everything" "$LOG" && break
  kill -0 $UP 2>/dev/null || { cat "$LOG"; echo "profile.sh: run.sh up failed" >&2; exit 1; }
  sleep 1
done
pid() { grep -o "$1 [0-9]*" "$LOG" | head -1 | awk '{print $NF}'; }
GW=$(pid ", gateway") MINER=$(pid ", miner") STUBGW=$(pid "stub gateway")
key() { sed -n "s/.*$1 (key \([^)]*\)).*/\1/p" "$LOG" | head -1; }
KEY_GW=$(key "assay :$((PORT_BASE + 3))") KEY_STUB=$(key "gateway-stub :$((PORT_BASE + 5))")

load() { # port key seconds
  BENCH_BODY=$HERE/fixtures/chat-request.json BENCH_KEY=$2 \
    wrk -t1 -c64 -d"$3"s --latency -s "$HERE/chat.lua" "http://127.0.0.1:$1/v1/chat/completions"
}
record() { # name pid...
  local name=$1; shift
  for p in "$@"; do jcmd "$p" JFR.start name=prof settings=profile duration="${SECONDS_}s" \
    filename="$OUT/$name-$p.jfr" >/dev/null; done
}
profile() { # label port key pids...
  local label=$1 port=$2 key=$3; shift 3
  echo "[$(date +%T)] $label: ${WARMUP} s warm-up"
  load "$port" "$key" "$WARMUP" >"$OUT/$label-warmup.txt"
  echo "[$(date +%T)] $label: ${SECONDS_} s recorded"
  load "$port" "$key" $((SECONDS_ + 2)) >"$OUT/$label-wrk.txt" &
  local w=$!
  sleep 1
  record "$label" "$@"
  wait $w
  sleep 2
}
profile assay $((PORT_BASE + 3)) "$KEY_GW" "$GW" "$MINER"
profile stub $((PORT_BASE + 5)) "$KEY_STUB" "$STUBGW"
mv "$OUT/assay-$GW.jfr" "$OUT/assay-gateway.jfr"
mv "$OUT/assay-$MINER.jfr" "$OUT/assay-miner.jfr"
mv "$OUT/stub-$STUBGW.jfr" "$OUT/stub-gateway.jfr"
for f in assay-gateway assay-miner stub-gateway; do
  jfr print --stack-depth 64 --events jdk.ExecutionSample "$OUT/$f.jfr" \
    | python3 "$HERE/jfr_top.py" >"$OUT/$f-top-frames.txt"
done
echo "[$(date +%T)] wrote $OUT"
