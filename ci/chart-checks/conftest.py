"""pytest configuration for ci/chart-checks (see chartkit.py for the helpers)."""

import sys
from pathlib import Path

# chartkit sits next to the tests; make it importable however pytest is invoked.
sys.path.insert(0, str(Path(__file__).resolve().parent))
