#!/usr/bin/env bash
# Every table of benchmarks/RESULTS.md in one command (needs root, Linux, coturn, JDK 17, Maven; about 15 minutes):
#
#   sudo benchmarks/results.sh [scale.sh options]
#
# 1. the scale and latency harness, IceFlux and ice4j side by side (benchmarks/scale.sh: builds the module, writes
#    benchmarks/RESULTS-scale.md and the PNG plots);
# 2. the JMH codec and operator benchmarks, IceFlux and ice4j in the same run (benchmarks/target/benchmarks.jar);
# 3. benchmarks/RESULTS.md, written from both by io.iceflux.benchmarks.jmh.JmhReport.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

benchmarks/scale.sh "$@"

JMH_ARGS=(-f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc)
echo "results.sh: JMH ${JMH_ARGS[*]}" >&2
java -jar benchmarks/target/benchmarks.jar "${JMH_ARGS[@]}" -rf csv -rff benchmarks/target/jmh.csv \
    'io.iceflux.benchmarks.jmh' | tee benchmarks/target/jmh.txt

java -cp benchmarks/target/benchmarks.jar io.iceflux.benchmarks.jmh.JmhReport benchmarks/target/jmh.csv \
    benchmarks/RESULTS-scale.md benchmarks/RESULTS.md "$(echo sudo benchmarks/results.sh "$@")"
echo "results.sh: wrote benchmarks/RESULTS.md" >&2
