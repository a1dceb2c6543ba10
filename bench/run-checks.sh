#!/usr/bin/env bash
# Checks per second against the raw model (the ceiling), per kind, in one run.
#
#   bench/run-checks.sh                # build, run both benchmarks (about 6 minutes on 2 cores)
#   bench/run-checks.sh -f 1 -i 2      # extra arguments go to JMH, after the defaults
#
# Writes bench/results/checks.json (JMH's JSON) and bench/results/paired.txt (the embeddings
# ratio measured alternately), and prints medians and checks/ceiling ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -Pbench -DskipTests package -pl bench -am

mkdir -p bench/results
# The machine may be shared: say how busy it was.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
java -jar bench/target/benchmarks.jar 'EmbeddingsCheckBenchmark|LlmCheckBenchmark|ImageCheckBenchmark' \
  -rf json -rff bench/results/checks.json "$@"

# JMH runs ceiling and checks one after the other; on a shared machine a change of load between
# them moves the ratio. The same two loops, alternated round by round:
java -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
  -cp bench/target/benchmarks.jar io.assay.bench.PairedEmbeddingsRun | tee bench/results/paired.txt
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - bench/results/checks.json <<'PY'
import json, sys

CEILING = {"EmbeddingsCheckBenchmark": "rawInference", "LlmCheckBenchmark": "rawScoring",
           "ImageCheckBenchmark": "rawGeneration"}
UNIT = {"EmbeddingsCheckBenchmark": "inputs/s", "LlmCheckBenchmark": "answers/s",
        "ImageCheckBenchmark": "images/s"}
TARGET = {"EmbeddingsCheckBenchmark": 0.80}

median = {}
for run in json.load(open(sys.argv[1])):
    cls, method = run["benchmark"].rsplit(".", 2)[-2:]
    median[cls, method] = run["primaryMetric"]["scorePercentiles"]["50.0"]

print()
print("medians, ops/s:")
for (cls, method), value in median.items():
    print(f"  {cls + '.' + method:40} {value:10.1f}")
print()
print(f"{'benchmark':26} {'checks':>10} {'ceiling':>10} {'ratio':>7}  unit")
for cls, ceiling in CEILING.items():
    if (cls, "checks") not in median or (cls, ceiling) not in median:
        continue
    checks, top = median[cls, "checks"], median[cls, ceiling]
    ratio = checks / top
    line = f"{cls:26} {checks:10.1f} {top:10.1f} {ratio:7.1%}  {UNIT[cls]}"
    if cls in TARGET:
        line += f"; target >= {TARGET[cls]:.0%}: {'met' if ratio >= TARGET[cls] else 'NOT met'}"
    print(line)
PY
