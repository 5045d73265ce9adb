#!/usr/bin/env bash
# `make demo`: installs what a fresh machine lacks, builds, and runs forge-sandbox: the API
# emulator, two regions of three block producers (stand-in cardano-node, the real
# forge-reporter and guard), one forge-aggregator per region, and a scripted failover story.
# Arguments go to forge-sandbox, e.g. `bash scripts/demo.sh --interactive`; `--help` lists them.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== bootstrap (system packages)"
bash scripts/bootstrap.sh

echo "== swift build (the first build fetches dependencies and takes a few minutes)"
# Progress lines stay visible: on a fresh machine this is the long step.
swift build

sandbox=.build/debug/forge-sandbox
test -x "$sandbox" || { echo "demo: $sandbox was not built" >&2; exit 1; }

echo "== forge-sandbox $*"
# exec: Ctrl-C and SIGTERM go straight to the sandbox, which stops every process it started.
exec "$sandbox" "$@"
