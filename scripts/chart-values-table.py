#!/usr/bin/env python3
"""Generates the values table of each chart's README from its values.yaml comments.

A key's description is the comment block right above it (a leading "-- " is dropped); its
default is the value in values.yaml. One row per setting: every key whose value is not a
non-empty mapping (nested mappings are walked), except that a commented mapping none of whose
keys has a comment is one row (e.g. `resources`). The table replaces the text between
    <!-- values-table:start -->  and  <!-- values-table:end -->
in charts/<chart>/README.md.

    scripts/chart-values-table.py            # rewrite the READMEs
    scripts/chart-values-table.py --check    # exit 1 if a README is stale or a key lacks a comment
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHARTS = ROOT / "charts"
START, END = "<!-- values-table:start -->", "<!-- values-table:end -->"
KEY = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z0-9_.\-]+):(?:\s+(?P<rest>.*))?$")


def comments_by_path(text: str) -> dict[str, str]:
    """Dotted key path -> the comment block directly above that key."""
    found: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    pending: list[str] = []
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#"):
            pending.append(re.sub(r"^#\s?", "", stripped))
            continue
        if not stripped:
            pending = []
            continue
        match = KEY.match(raw)
        if not match or stripped.startswith("- "):
            pending = []
            continue
        indent = len(match.group("indent"))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = ".".join([k for _, k in stack] + [match.group("key")])
        stack.append((indent, match.group("key")))
        comment = " ".join(line for line in pending if line)
        found[path] = re.sub(r"^--\s+", "", comment).strip()
        pending = []
    return found


def rows(values: dict, comments: dict[str, str], prefix: str = "") -> list[tuple[str, str, str, str]]:
    out = []
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            own = comments.get(path, "")
            children = rows(value, comments, path + ".")
            if own and not any(description for *_, description in children):
                # A commented block whose keys have no comments of their own is one setting.
                out.append((path, "object", json.dumps(value, separators=(", ", ": ")), own))
                continue
            if own:
                out.append((path, "object", "", own))
            out.extend(children)
            continue
        kind = {dict: "object", list: "list", bool: "bool", int: "int", float: "number", str: "string"}.get(type(value), "null")
        default = json.dumps(value, separators=(", ", ": ")) if not isinstance(value, str) else json.dumps(value)
        out.append((path, kind, default, comments.get(path, "")))
    return out


def table(chart: Path) -> tuple[str, list[str]]:
    text = (chart / "values.yaml").read_text()
    values = yaml.safe_load(text) or {}
    entries = rows(values, comments_by_path(text))
    undocumented = [path for path, kind, _, description in entries if not description]
    if not entries:
        return "This chart has no values.\n", []
    lines = ["| key | type | default | description |", "| --- | --- | --- | --- |"]
    for path, kind, default, description in entries:
        cell = f"`{default}`".replace("|", "\\|") if default else ""
        text = description.replace("|", "\\|")
        lines.append(f"| `{path}` | {kind} | {cell} | {text} |")
    return "\n".join(lines) + "\n", undocumented


def render(readme: str, body: str) -> str:
    if START not in readme or END not in readme:
        raise SystemExit(f"README lacks the {START} / {END} markers")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{body}{END}{tail}"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    problems = []
    for chart in sorted(p for p in CHARTS.iterdir() if (p / "values.yaml").exists()):
        readme_path = chart / "README.md"
        body, undocumented = table(chart)
        for path in undocumented:
            problems.append(f"{chart.name}/values.yaml: `{path}` has no comment (the README's description)")
        current = readme_path.read_text() if readme_path.exists() else ""
        wanted = render(current, body)
        if wanted != current:
            if check:
                problems.append(f"{readme_path.relative_to(ROOT)} is stale: run scripts/chart-values-table.py")
            else:
                readme_path.write_text(wanted)
                print(f"updated {readme_path.relative_to(ROOT)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
