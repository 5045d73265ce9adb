#!/usr/bin/env bash
# Runs every command in README.md and docs/*.md (see test_doc_commands.py for the convention).
# Needs the debug binaries (`swift build`), kubectl, and the chart checks' Python packages
# (Helm's engine), which are installed here when missing. Usage: ci/doc-checks/run.sh [pytest args]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if ! python3 -c 'import helm_python, yaml, pytest' 2>/dev/null; then
    echo "doc-checks: installing ci/chart-checks/requirements.txt" >&2
    python3 -m pip install -q --disable-pip-version-check -r "$root/ci/chart-checks/requirements.txt" \
        || python3 -m pip install -q --disable-pip-version-check --break-system-packages -r "$root/ci/chart-checks/requirements.txt"
fi
if ! command -v kubectl >/dev/null 2>&1; then
    echo "doc-checks: kubectl is not on PATH; kubectl commands in the docs $( [ -n "${CI:-}" ] && echo fail || echo are skipped )" >&2
fi

cd "$root"
exec python3 -m pytest -q -p no:cacheprovider "$here" "$@"
