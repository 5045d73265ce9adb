#!/usr/bin/env bash
# Runs every test: Swift unit and integration tests (against the in-repo API emulator, with real
# stand-in cardano-node processes), the emulator's own tests, the Helm chart checks, and the
# release build the container image uses (checked free of full Foundation). `.ci/run` runs
# exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh

# First, as it is instant: no shipped target imports full Foundation (the release binaries are
# checked after their build below).
echo "== shipped targets import FoundationEssentials, not Foundation"
bash ci/lean-binaries/check.sh

echo "== swift build (debug: binaries the integration tests run)"
swift build 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Wrapping|Write|Linking|Planning|Building)' || true
test -x .build/debug/forge-reporter

echo "== swift test"
swift test --no-parallel 2>&1 | tee .build/swift-test.log | grep -vE '^\[[0-9]+/[0-9]+\] '
grep -qE 'Test run with [0-9]+ tests? .*passed|Executed [0-9]+ tests?, with 0 failures' .build/swift-test.log

echo "== the demo's story (real processes; fails on any overlap of forging intervals)"
.build/debug/forge-sandbox

# A short run of the fault campaign (`make chaos` runs 200 episodes): fixed seed, faults of
# 1-3 s, the sandbox's shortened lease timings, every fault type drawable (seed 42 draws a
# decoy node among others). Fails on any forging overlap or an episode that does not end
# with a forger within the failover budget.
echo "== fault campaign smoke (10 episodes)"
CHAOS_SKIP_BUILD=1 scripts/chaos.sh --episodes 10 --seed 42 --max-fault-seconds 3

echo "== every command in README.md and docs/*.md"
bash ci/doc-checks/run.sh

echo "== emulator tests"
python3 -m pytest -q emulator/tests

echo "== chart checks"
bash ci/chart-checks/run.sh

echo "== alert rules (promtool test rules: each alert fires in its scenario, silent when healthy)"
bash ci/alert-rules/run.sh

echo "== release build (the container image's recipe), free of full Foundation"
swift build -c release --product forge-reporter >/dev/null
swift build -c release --product forge-aggregator >/dev/null
ls -la .build/release/forge-reporter .build/release/forge-aggregator
bash ci/lean-binaries/check.sh .build/release/forge-reporter .build/release/forge-aggregator

# The benchmark scripts in their smoke form, on the release binaries just built, so the
# commands docs/BENCHMARKS.md gives keep working. Figures printed here are not judged.
echo "== benchmark scripts (smoke runs)"
SCRATCH=.build BENCH_QUICK=1 scripts/bench-reporter.sh
SCRATCH=.build BENCH_QUICK=1 scripts/bench-aggregator.sh
