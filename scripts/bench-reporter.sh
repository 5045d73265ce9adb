#!/usr/bin/env bash
# Benchmark of forge-reporter (not a timed test; run by hand). Prints the figures of
# docs/BENCHMARKS.md: crash failover and graceful handover times, API requests per minute per
# pod and resource at rest (cluster management off, then on with the region's aggregator),
# memory (RSS, PSS) and idle CPU of reporter, guard and aggregator; and the same figures of the
# Python sidecar it replaces, side by side with ratios, when its source is given.
#
#   scripts/bench-reporter.sh                 # full run, about 17 minutes (+ 15 with the sidecar)
#   BENCH_QUICK=1 scripts/bench-reporter.sh   # smoke test: 2+2 runs, 1-minute soaks
#   PREDECESSOR_SRC=~/cardano-forge-manager PREDECESSOR_PYTHON=~/venv/bin/python scripts/bench-reporter.sh
#
# Environment: BENCH_TIMINGS (production = 15/10/2/5 s lease/renew-deadline/retry/renew-interval,
# 5 s sleep, 60 s heartbeat, the default; or short = 4/2/0.5/1 s, 1 s sleep, 2 s heartbeat as the
# integration tests), SOAK_SECONDS, SETTLE_SECONDS (15: the pool is left alone that long after it
# first looks at rest before a soak's count starts, so the leader's own transition is not counted),
# FAILOVER_RUNS, HANDOVER_RUNS, SCRATCH (release build dir, default .build-bench),
# STATIC_STDLIB (0, the default, links the Swift runtime dynamically as the Dockerfile does, so
# memory is measured on the binaries that ship; 1 links it statically),
# KEEP_WORK=1 keeps the work directory (all process logs) after the run, ON_SOAK_SECONDS (the
# cluster-management-on soak, default SOAK_SECONDS; 0 skips it).
# The Python sidecar (mochipool/cardano-forge-manager) is measured only when PREDECESSOR_SRC is
# a checkout of it (src/forgemanager.py); PREDECESSOR_PYTHON is a python3 with its
# requirements.txt (and requests) installed, default python3; PREDECESSOR_NODE_START=producing
# (its chart's default, the default here) or non-producing. Nothing of it is in this repository.
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

if [ -n "${PREDECESSOR_SRC:-}" ]; then
  [ -f "$PREDECESSOR_SRC/src/forgemanager.py" ] || { echo "PREDECESSOR_SRC=$PREDECESSOR_SRC has no src/forgemanager.py" >&2; exit 2; }
  "${PREDECESSOR_PYTHON:-python3}" -c 'import kubernetes, prometheus_client, psutil, requests' 2>/dev/null || {
    echo "PREDECESSOR_PYTHON=${PREDECESSOR_PYTHON:-python3} lacks the sidecar's dependencies; e.g." >&2
    echo "  python3 -m venv /tmp/fm-venv && /tmp/fm-venv/bin/pip install -r $PREDECESSOR_SRC/requirements.txt requests" >&2
    exit 2; }
  echo "Python sidecar: $PREDECESSOR_SRC ($("${PREDECESSOR_PYTHON:-python3}" --version 2>&1); $(git -C "$PREDECESSOR_SRC" rev-parse --short HEAD 2>/dev/null || echo "not a git checkout"))"
fi

LINKING=()
[ "${STATIC_STDLIB:-0}" = 1 ] && LINKING=(--static-swift-stdlib)
echo "building release binaries ($SCRATCH ${LINKING[*]:-dynamic Swift runtime})"
for product in forge-reporter forge-aggregator cardano-node-standin; do
  swift build -c release "${LINKING[@]}" --scratch-path "$SCRATCH" --product "$product" >/dev/null
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(swift --version 2>/dev/null | head -1)"

BENCH_ROOT=$ROOT BENCH_BINS="$SCRATCH/release" BENCH_WORK=$WORK \
  python3 "$ROOT/scripts/bench/bench_reporter.py"
