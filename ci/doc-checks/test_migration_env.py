"""docs/MIGRATION.md's "Every setting, side by side" table against the reporter's code.

Every environment variable forge-reporter (or its guard) reads, and every setting it warns
about as accepted-but-ignored, must have a row; every row must name a variable the code
knows. So the migration page cannot silently fall behind the code.
"""

from __future__ import annotations

import re

from doccommands import ROOT

REPORTER = ROOT / "Sources" / "Reporter"
MIGRATION = ROOT / "docs" / "MIGRATION.md"


def code_variables() -> dict[str, str]:
    """Variable -> where the code names it."""
    found: dict[str, str] = {}
    for path in sorted(REPORTER.glob("*.swift")):
        text = path.read_text()
        # Help texts name each option's variable: "[env: LEASE_DURATION; default: 15]".
        for name in re.findall(r"\[env: ([A-Z][A-Z0-9_]*)", text):
            found.setdefault(name, path.name)
        # Reads through SettingsReader: r.string("X"), settings.string("X", …), r.seconds("X", …).
        for name in re.findall(r"\b(?:r|settings|reader)\.(?:string|bool|integer|seconds|wholeSeconds)\(\"([A-Z][A-Z0-9_]*)\"", text):
            found.setdefault(name, path.name)
    ignored = (REPORTER / "IgnoredSettings.swift").read_text()
    for name in re.findall(r"^\s*\(\"([A-Z][A-Z0-9_]*)\",", ignored, re.MULTILINE):
        found.setdefault(name, "IgnoredSettings.swift")
    return found


def documented_variables() -> set[str]:
    text = MIGRATION.read_text()
    section = text.split("## Every setting, side by side", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        first_cell = line.split("|")[1]
        names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_the_code_reads_a_sensible_number_of_variables() -> None:
    # Guards the parser itself: if the help format changed, the other checks would pass vacuously.
    assert len(code_variables()) >= 40, sorted(code_variables())


def test_every_variable_the_reporter_knows_is_in_migration_md() -> None:
    missing = {name: where for name, where in code_variables().items() if name not in documented_variables()}
    assert not missing, f"add rows to docs/MIGRATION.md 'Every setting, side by side' for: {missing}"


def test_every_variable_in_migration_md_is_known_to_the_reporter() -> None:
    unknown = documented_variables() - set(code_variables())
    assert not unknown, f"docs/MIGRATION.md lists variables the reporter neither reads nor warns about: {sorted(unknown)}"
