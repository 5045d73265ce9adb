"""Every command in README.md and docs/*.md is run, so the docs cannot drift from the code.

Convention (also in the docs' section "Commands in the docs"):

* Commands a reader runs go in a ```bash fence, one per line; a trailing backslash continues a
  line; lines starting with `#` are comments. A line in any other fence that starts with
  kubectl, helm, forge-reporter, forge-aggregator, forge-sandbox, make or curl fails the check.
* `kubectl ...` runs against one live sandbox per session (`forge-sandbox --no-story
  --ready-file F`) with KUBECONFIG set, in document order per file, from a scratch directory
  with charts/, examples/, docs/, emulator/ and .build/debug/ linked in (files a command writes
  stay there),
  and must exit 0. Names: namespaces cardano-us-east-1 / cardano-eu-west-1, CardanoForgeClusters
  mainnet-pool1736sy-us-east-1 / mainnet-pool1736sy-eu-west-1, CardanoLeader and Lease
  cardano-leader-mainnet-pool1736sy, pods bp-us-east-1-0..2 / bp-eu-west-1-0..2. A namespace
  given with -n/--namespace that the sandbox lacks is created first. `kubectl create secret`,
  `kubectl create configmap` and `kubectl apply --server-side` (not served by the emulator) run
  as a client-side dry run, with every --from-file present as a placeholder; when kubectl cannot
  map the kind at all (the emulator has no Secret type), the -f files must exist (written by an
  earlier command of the document) and parse as Kubernetes manifests. `-w`/`--watch`
  passes if it is still running after 5 s.
* `helm install|upgrade|template NAME CHART [-n NS] [-f VALUES]... [--set k=v]...` is rendered
  with the Helm engine the chart checks use (helm-python-sdk) and must render.
  `helm uninstall|list|status|repo|history|rollback` are real-cluster only and skipped.
* `forge-reporter ...`, `forge-aggregator ...` (`--help`, `--version`), `forge-sandbox --help` (or `.build/debug/...`)
  run the built binaries; they must exit 0, or with N given by a trailing `# exits N`.
  A form that would run forever (no --help, no `# exits N`) fails.
* `curl ...` runs with $REPORTER_METRICS_PORT (reporter of bp-us-east-1-0),
  $AGGREGATOR_METRICS_PORT (us-east-1), $PEER_AGGREGATOR_METRICS_PORT (eu-west-1) and
  $HEALTH_PORT (us-east-1's health endpoint, /health) set from the sandbox, and must exit 0.
* `export NAME=value` sets NAME for the following commands of the same file.
* Covered by CI itself, skipped with that reason: make test|demo|build|clean|chaos, scripts/*.sh,
  .ci/run, ci/*/run.sh, python3 -m pytest, swift build|test, git clone, cd, forge-sandbox
  (other than --help: the demo runs in CI).
  Leading `NAME=value` assignments before one of these keep it in this class
  (`BENCH_QUICK=1 scripts/bench-reporter.sh`); before any other command they are not recognised.
* Anything else fails, naming the file, line and command.

Run: ci/doc-checks/run.sh (needs `swift build` first; kubectl on PATH, required when $CI is set).
"""

from __future__ import annotations

import os
import shutil

import pytest

from doccommands import Command, ROOT, classify, commands, doc_files, stray_commands
from runners import apply_export, render_helm, run_binary, run_curl, run_kubectl, scratch_directory

DOCS = doc_files()


def _needs_kubectl(file_commands: list[Command]) -> bool:
    return any(classify(c)[0] in ("kubectl",) for c in file_commands)


def _needs_sandbox(file_commands: list[Command]) -> bool:
    return any(classify(c)[0] in ("kubectl", "curl", "binary") for c in file_commands)


@pytest.mark.parametrize("doc", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_commands_in_doc_run(doc, request, tmp_path):
    """Runs the file's commands in order; reports every failing one with file:line."""
    file_commands = commands(doc)
    if not file_commands:
        pytest.skip("no bash commands")
    if _needs_kubectl(file_commands) and shutil.which("kubectl") is None:
        message = (f"{doc.relative_to(ROOT)} has kubectl commands but kubectl is not on PATH "
                   "(Debian bookworm has no kubectl package: install it from pkgs.k8s.io or dl.k8s.io)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    env = dict(request.getfixturevalue("sandbox_env")) if _needs_sandbox(file_commands) else dict(os.environ)
    known_namespaces = set(env.get("_NAMESPACES", "").split(","))
    cwd = scratch_directory(tmp_path)
    failures, skipped = [], []
    for command in file_commands:
        kind, reason = classify(command)
        if kind == "kubectl":
            problem = run_kubectl(command, env, known_namespaces, cwd)
        elif kind == "helm":
            problem = render_helm(command)
        elif kind == "binary":
            problem = run_binary(command, env, cwd)
        elif kind == "curl":
            problem = run_curl(command, env, cwd)
        elif kind == "export":
            apply_export(command, env)
            problem = None
        elif kind in ("ci", "real-cluster"):
            skipped.append(f"{command.where}: {command.text}  [{reason}]")
            problem = None
        else:
            problem = reason
        if problem:
            failures.append(f"{command.where}: `{command.text}`: {problem}")
    for line in skipped:
        print("covered elsewhere:", line)
    assert not failures, "commands in the docs that fail:\n" + "\n".join(failures)


@pytest.mark.parametrize("doc", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_no_commands_outside_bash_fences(doc):
    stray = stray_commands(doc)
    assert not stray, "put commands in a ```bash fence (else they go unchecked):\n" + "\n".join(
        f"{doc.relative_to(ROOT)}:{line}: {text}" for line, text in stray)


def _command(text: str) -> Command:
    return Command(ROOT / "README.md", 1, text, 0)


@pytest.mark.parametrize("text,kind", [
    ("kubectl get cardanoforgeclusters -A", "kubectl"),
    ("helm install bp charts/cardano-block-producer -f examples/two-regions/block-producer-us-east-1.values.yaml", "helm"),
    ("helm uninstall bp", "real-cluster"),
    ("forge-reporter --help", "binary"),
    (".build/debug/forge-aggregator --help", "binary"),
    ("curl -s http://127.0.0.1:$REPORTER_METRICS_PORT/metrics", "curl"),
    ("make demo", "ci"),
    ("make chaos", "ci"),
    ("bash .ci/run", "ci"),
    ("git clone https://example.invalid/repo.git", "ci"),
    ("forge-sandbox --interactive", "ci"),
    ("forge-sandbox --help", "binary"),
    ("export KUBECONFIG=/tmp/x", "export"),
    ("BENCH_QUICK=1 scripts/bench-reporter.sh", "ci"),
    ("A=1 B='x y' make test", "ci"),
    ("FOO=1 rm -rf /", "unknown"),
    ("FOO=1 kubectl get pods", "unknown"),
    ("rm -rf /", "unknown"),
    ("docker run image", "unknown"),
])
def test_classification(text, kind):
    """The checker itself: an unknown command must not pass silently."""
    assert classify(_command(text))[0] == kind


def test_extraction_joins_continuations_and_reads_exit_codes(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("text\n```bash\n# comment\nkubectl get pods \\\n  -A\nforge-reporter --lease-duration 1  # exits 2\n```\n"
                   "```text\nkubectl get pods\nforge-reporter   a table row naming the binary\n```\n")
    found = commands(doc)
    assert [(c.line, c.text, c.expected_exit) for c in found] == [
        (4, "kubectl get pods -A", 0), (6, "forge-reporter --lease-duration 1  # exits 2", 2)]
    assert stray_commands(doc) == [(9, "kubectl get pods")]
