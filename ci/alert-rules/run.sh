#!/usr/bin/env bash
# promtool tests of every alert rule the forge-aggregator chart renders (all groups of all
# PrometheusRule objects): each alert must fire in a scenario of ci/alert-rules/tests/ and
# stay silent in the healthy two-region case. Needs promtool (Debian package `prometheus`,
# installed by scripts/bootstrap.sh) and the chart checks' Python packages.
# Usage: ci/alert-rules/run.sh [pytest args]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
command -v promtool >/dev/null 2>&1 || { echo "alert-rules: promtool not found (apt-get install prometheus)" >&2; exit 1; }
if ! python3 -c 'import helm_python, yaml, pytest' 2>/dev/null; then
    python3 -m pip install -q --disable-pip-version-check -r "$root/ci/chart-checks/requirements.txt" \
        || python3 -m pip install -q --disable-pip-version-check --break-system-packages -r "$root/ci/chart-checks/requirements.txt"
fi
cd "$root"
exec python3 -m pytest -q -p no:cacheprovider "$here" "$@"
