#!/usr/bin/env bash
# Runs the chart checks: installs the Python requirements if any is missing,
# then pytest. Usage (from anywhere): ci/chart-checks/run.sh [pytest args]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if ! python3 - "$here/requirements.txt" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version
import re
missing = []
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name = re.split(r"[<>=!~ ]", line, 1)[0]
    try:
        version(name)
    except PackageNotFoundError:
        missing.append(name)
if missing:
    print("chart-checks: installing", ", ".join(missing), file=sys.stderr)
    sys.exit(1)
PY
then
    # A Debian-managed python3 (PEP 668) refuses plain installs; pyenv/venv ones do not.
    python3 -m pip install -q --disable-pip-version-check -r "$here/requirements.txt" \
        || python3 -m pip install -q --disable-pip-version-check --break-system-packages -r "$here/requirements.txt"
fi

cd "$root"
exec python3 -m pytest -q ci/chart-checks "$@"
