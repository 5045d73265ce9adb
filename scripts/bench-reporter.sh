#!/usr/bin/env bash
# Benchmark of forge-reporter (not a timed test; run by hand). Prints the figures of
# docs/BENCHMARKS.md: crash failover and graceful handover times, API requests per minute per
# pod at steady state, memory (RSS, PSS) and idle CPU of reporter, guard and aggregator.
#
#   scripts/bench-reporter.sh                 # full run, about 11 minutes
#   BENCH_QUICK=1 scripts/bench-reporter.sh   # smoke test: 2+2 runs, 1-minute soak (~2 minutes)
#
# Environment: BENCH_TIMINGS (production = 15/10/2 s lease/renew/retry, 5 s sleep, 30 s
# heartbeat, the default; or short = 4/2/0.5/1/2 as the integration tests), SOAK_SECONDS,
# FAILOVER_RUNS, HANDOVER_RUNS, SCRATCH (release build dir, default .build-bench),
# STATIC_STDLIB (1, the default, links the Swift runtime statically as the Dockerfile does, so
# memory is measured on the binaries that ship; 0 links it dynamically),
# KEEP_WORK=1 keeps the work directory (all process logs) after the run.
# Runs release binaries, the project's API emulator (emulator/kube_api_emulator.py, needs
# openssl and python3 with PyYAML for the CRDs) and stand-in cardano-nodes; the reporters run
# with ENABLE_CLUSTER_MANAGEMENT=false (permission implied), so no aggregator decision can
# delay a failover: the figures are the election's and the reporter's alone.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${SCRATCH:-$ROOT/.build-bench}
SCRATCH=$(realpath -m "$SCRATCH")   # symlinks and children need an absolute path
WORK=$(mktemp -d /tmp/bench-reporter.XXXXXX)
cleanup() { [ "${KEEP_WORK:-0}" = 1 ] && echo "logs in $WORK" || rm -rf "$WORK"; }
trap cleanup EXIT

LINKING=()
[ "${STATIC_STDLIB:-1}" = 1 ] && LINKING=(--static-swift-stdlib)
echo "building release binaries ($SCRATCH ${LINKING[*]:-dynamic Swift runtime})"
for product in forge-reporter forge-aggregator cardano-node-standin; do
  swift build -c release "${LINKING[@]}" --scratch-path "$SCRATCH" --product "$product" >/dev/null
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(swift --version 2>/dev/null | head -1)"

BENCH_ROOT=$ROOT BENCH_BINS="$SCRATCH/release" BENCH_WORK=$WORK \
  python3 "$ROOT/scripts/bench/bench_reporter.py"
