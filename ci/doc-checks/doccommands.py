"""Extraction and classification of the shell commands in the project's Markdown docs.

See test_doc_commands.py for the convention these functions implement.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# First words that mark a line as a command a reader would run; such a line outside a
# ```bash fence fails the check (it would escape it).
COMMAND_WORDS = ("kubectl", "helm", "forge-reporter", "forge-aggregator", "forge-sandbox", "make", "curl")

# Run by CI itself (scripts/test.sh, .ci/run, the demo): listed, not re-run here.
CI_COVERED = [
    (re.compile(r"^make (test|demo|build|clean|chaos)\b"), "make target run by CI"),
    (re.compile(r"^(bash |sh )?(\./)?scripts/[\w.-]+\.sh\b"), "script run by CI"),
    (re.compile(r"^bash \.ci/run\b|^\.ci/run\b"), "the CI entry point itself"),
    (re.compile(r"^(bash )?(\./)?ci/[\w-]+/run\.sh\b"), "check suite run by CI"),
    (re.compile(r"^python3? -m pytest\b"), "test suite run by CI"),
    (re.compile(r"^swift (build|test)\b"), "build/test run by CI"),
    (re.compile(r"^git clone\b"), "the checkout CI starts from"),
    (re.compile(r"^cd\b"), "directory change (commands run from the repository root)"),
    (re.compile(r"^(\./)?\.build/debug/forge-sandbox(?!.*--help)|^forge-sandbox(?!.*--help)"), "the demo runs in CI"),
]

REAL_CLUSTER_ONLY = [
    (re.compile(r"^helm (uninstall|list|ls|status|repo|history|rollback)\b"), "helm against a real cluster"),
]

EXITS = re.compile(r"\s#\s*exits\s+(\d+)\s*$")

# Leading environment assignments (`BENCH_QUICK=1 scripts/bench-reporter.sh`): a command
# covered by CI keeps its class with them; for any other class they are not recognised.
ASSIGNMENTS = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|\"[^\"]*\"|[^\s'\"]*)\s+)+")


@dataclass(frozen=True)
class Command:
    file: Path
    line: int          # 1-based line of the command's first line
    text: str          # continuation lines joined, comment marker kept
    expected_exit: int

    @property
    def where(self) -> str:
        return f"{self.file.relative_to(ROOT)}:{self.line}"

    @property
    def words(self) -> list[str]:
        try:
            return shlex.split(self.text, comments=True)
        except ValueError:
            return self.text.split()


def doc_files() -> list[Path]:
    files = [ROOT / "README.md"] if (ROOT / "README.md").exists() else []
    return files + sorted((ROOT / "docs").glob("*.md"))


def fences(path: Path) -> list[tuple[str, int, list[str]]]:
    """(language, line of the first content line, lines) for every fenced block."""
    blocks: list[tuple[str, int, list[str]]] = []
    language, start, body, fence = None, 0, [], ""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if language is None:
            match = re.match(r"^(`{3,}|~{3,})\s*([\w+-]*)", stripped)
            if match:
                fence, language, start, body = match.group(1), match.group(2).lower(), number + 1, []
        elif stripped.startswith(fence[0] * len(fence)) and stripped.strip(fence[0]) == "":
            blocks.append((language, start, body))
            language = None
        else:
            body.append(line)
    return blocks


def commands(path: Path) -> list[Command]:
    """Every command of every ```bash/```sh/```shell fence, continuation lines joined."""
    found: list[Command] = []
    for language, start, body in fences(path):
        if language not in ("bash", "sh", "shell"):
            continue
        pending, first = "", 0
        for offset, raw in enumerate(body):
            line = raw.strip()
            if not pending and (not line or line.startswith("#")):
                continue
            if not pending:
                first = start + offset
            line = re.sub(r"^\$\s+", "", line) if not pending else line
            if line.endswith("\\"):
                pending += line[:-1].rstrip() + " "
                continue
            text = (pending + line).strip()
            pending = ""
            match = EXITS.search(text)
            found.append(Command(path, first, text, int(match.group(1)) if match else 0))
    return found


def stray_commands(path: Path) -> list[tuple[int, str]]:
    """Lines in non-bash fences that start with a command word (they would go unchecked)."""
    stray = []
    for language, start, body in fences(path):
        if language in ("bash", "sh", "shell"):
            continue
        for offset, raw in enumerate(body):
            line = re.sub(r"^\$\s+", "", raw.strip())
            # An invocation: the word, one space, then a flag, subcommand or variable (a table
            # that merely names a binary aligns its columns with several spaces).
            match = re.match(r"^(\S+)(?: ([-a-z$.\'\"]\S*)|$)", line)
            if match and match.group(1) in COMMAND_WORDS:
                stray.append((start + offset, line))
    return stray


def classify(command: Command) -> tuple[str, str]:
    """(class, reason). Classes: kubectl, helm, binary, curl, export, ci, real-cluster, unknown."""
    text = EXITS.sub("", command.text).strip()
    covered = ASSIGNMENTS.sub("", text)
    for pattern, reason in CI_COVERED:
        if pattern.search(covered):
            return "ci", reason
    for pattern, reason in REAL_CLUSTER_ONLY:
        if pattern.search(text):
            return "real-cluster", reason
    words = command.words
    head = words[0] if words else ""
    base = head.rsplit("/", 1)[-1]
    if head == "kubectl":
        return "kubectl", ""
    if head == "helm" and len(words) > 1 and words[1] in ("install", "upgrade", "template"):
        return "helm", ""
    if base in ("forge-reporter", "forge-aggregator", "forge-sandbox") and (head == base or head.startswith(".build/")):
        return "binary", ""
    if head == "curl":
        return "curl", ""
    if head == "export" and len(words) == 2 and "=" in words[1]:
        return "export", ""
    return "unknown", "not a checked command class (see ci/doc-checks/test_doc_commands.py)"
