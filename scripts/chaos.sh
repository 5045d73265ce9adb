#!/usr/bin/env bash
# `make chaos`: the randomized fault campaign (docs/SAFETY.md, "Fault campaign"). Builds, then
# runs `forge-sandbox chaos`: one pool of 3 pods (stand-in cardano-node, the real forge-reporter
# and guard), the API emulator and a forge-aggregator; one random fault per episode.
# Arguments go to `forge-sandbox chaos`, e.g. `scripts/chaos.sh --episodes 20 --seed 42`;
# `--help` lists them. Default: 200 episodes with a random seed (printed; --seed replays).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${CHAOS_SKIP_BUILD:-0}" != 1 ]; then
    bash scripts/bootstrap.sh
    swift build 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Wrapping|Write|Linking|Planning|Building)' || true
fi

sandbox=.build/debug/forge-sandbox
test -x "$sandbox" || { echo "chaos: $sandbox was not built" >&2; exit 1; }

# exec: Ctrl-C and SIGTERM go straight to the sandbox, which stops every process it started.
exec "$sandbox" chaos "$@"
