#!/usr/bin/env bash
# Load test of forge-aggregator against the API emulator (not a timed test; run by hand).
#
#   scripts/bench-aggregator.sh                 # 1000 pools x 3 pods, then 1000 x 10 (10 000 pods): ~12 min
#   BENCH_QUICK=1 scripts/bench-aggregator.sh   # smoke run for CI: 20 pools x 3 pods, 10 samples (~1 min)
#
# Each scenario gets a fresh emulator, its CardanoForgeClusters (one region) and pods with forge
# reports, and one aggregator with DEFAULT flags (release build, Swift runtime linked dynamically
# as the image ships it). Prints: load time; change -> status latency p50/p90/p99/max over
# SAMPLES sequential report changes; API writes per minute at steady state by kind and
# non-watch reads (from the emulator's request log) and the aggregator's CPU over that window;
# its RSS, anon, file-backed, PSS and peak RSS. Environment: BENCH_SCENARIOS ("1000x3,1000x10"),
# SAMPLES (100), WARMUP_SECONDS (20, after every pool's first status), STEADY_SECONDS (60),
# SCRATCH (release build directory, default .build-bench), STATIC_STDLIB (0; 1 links the Swift
# runtime statically), KEEP_WORK=1 keeps the work directory (emulator and aggregator logs).
# Needs python3 with PyYAML (the CRDs) and openssl (the emulator's certificates).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${SCRATCH:-$ROOT/.build-bench}
SCRATCH=$(realpath -m "$SCRATCH")   # symlinks and children need an absolute path
WORK=$(mktemp -d /tmp/bench-aggregator.XXXXXX)
cleanup() { [ "${KEEP_WORK:-0}" = 1 ] && echo "logs in $WORK" || rm -rf "$WORK"; }
trap cleanup EXIT

if [ "${BENCH_QUICK:-0}" = 1 ]; then
  : "${BENCH_SCENARIOS:=20x3}" "${SAMPLES:=10}" "${WARMUP_SECONDS:=5}" "${STEADY_SECONDS:=10}"
fi

LINKING=()
[ "${STATIC_STDLIB:-0}" = 1 ] && LINKING=(--static-swift-stdlib)
echo "building forge-aggregator (release, $SCRATCH ${LINKING[*]:-dynamic Swift runtime})"
swift build -c release "${LINKING[@]}" --scratch-path "$SCRATCH" --product forge-aggregator >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(swift --version 2>/dev/null | head -1)"

BENCH_ROOT=$ROOT BENCH_WORK=$WORK BENCH_BIN="$SCRATCH/release/forge-aggregator" \
  BENCH_SCENARIOS=${BENCH_SCENARIOS:-1000x3,1000x10} SAMPLES=${SAMPLES:-100} \
  WARMUP_SECONDS=${WARMUP_SECONDS:-20} STEADY_SECONDS=${STEADY_SECONDS:-60} \
  python3 "$ROOT/scripts/bench/bench_aggregator.py"
