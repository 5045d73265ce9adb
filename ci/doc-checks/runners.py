"""How each command class is checked (see test_doc_commands.py for the convention)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from doccommands import ROOT, EXITS, Command

BIN_DIR = Path(os.environ.get("FORGE_BIN_DIR", ROOT / ".build" / "debug"))


def _bash(text: str, env: dict[str, str], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", text], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def _describe(result: subprocess.CompletedProcess) -> str:
    out = (result.stdout + result.stderr).strip().splitlines()
    return f"exit {result.returncode}: " + " | ".join(out[-6:])


def run_shell(command: Command, env: dict[str, str], *, timeout: float = 30, cwd: Path = ROOT,
              text: str | None = None) -> str | None:
    """Runs the command with bash; None if it exited as expected, else the failure."""
    try:
        result = _bash(text or command.text, env, cwd, timeout)
    except subprocess.TimeoutExpired:
        return f"did not exit within {timeout:.0f} s"
    if result.returncode != command.expected_exit:
        return f"expected exit {command.expected_exit}, got " + _describe(result)
    return None


# ---- kubectl ---------------------------------------------------------------------------

CLIENT_DRY_RUN = re.compile(r"^kubectl\b.*\b(create (secret|configmap)\b|apply\b.*--server-side)")


def kubectl_namespaces(command: Command) -> list[str]:
    words = command.words
    found = []
    for i, word in enumerate(words):
        if word in ("-n", "--namespace") and i + 1 < len(words):
            found.append(words[i + 1])
        elif word.startswith("--namespace="):
            found.append(word.split("=", 1)[1])
    return found


def ensure_namespace(name: str, env: dict[str, str], known: set[str]) -> None:
    """Creates a namespace the sandbox lacks (`kubectl create namespace` needs protobuf, which
    the emulator does not speak; `create -f` with JSON works)."""
    if name in known:
        return
    manifest = json.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    subprocess.run(["kubectl", "create", "-f", "-"], input=manifest, env=env, capture_output=True, text=True, timeout=30)
    known.add(name)


def scratch_directory(base: Path) -> Path:
    """The working directory of one document's commands: repository paths (charts, examples,
    docs, emulator, .build/debug) are symlinked in, so `-f examples/...` works, while files the
    commands write (`> keys.yaml`) land here and never in the repository."""
    for entry in ("charts", "examples", "docs", "emulator"):
        os.symlink(ROOT / entry, base / entry)
    (base / ".build").mkdir()
    os.symlink(BIN_DIR, base / ".build" / "debug")
    return base


def _strip_server_side(text: str) -> str:
    text = re.sub(r"\s--(server-side|force-conflicts)\b(=\S+)?", "", text)
    return re.sub(r"\s--field-manager(=|\s+)\S+", "", text)


def _manifests_parse(words: list[str], cwd: Path) -> str | None:
    """Offline check of -f files for kinds the emulator cannot map (Secret, ConfigMap)."""
    files = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-f", "--filename")]
    for name in files:
        path = cwd / name
        if not path.exists():
            return f"{name} does not exist (create it with an earlier command of the same document)"
        for document in yaml.safe_load_all(path.read_text()):
            if document and not all(document.get(k) for k in ("apiVersion", "kind", "metadata")):
                return f"{name}: not a Kubernetes manifest"
    return None


def run_kubectl(command: Command, env: dict[str, str], known_namespaces: set[str], cwd: Path) -> str | None:
    for namespace in kubectl_namespaces(command):
        ensure_namespace(namespace, env, known_namespaces)
    text = EXITS.sub("", command.text)
    words = command.words
    if "-w" in words or "--watch" in words or any(w.startswith("--watch=") for w in words):
        # A watch never ends by itself: it passes if it is still running after 5 s.
        try:
            result = _bash(text, env, cwd, 5)
        except subprocess.TimeoutExpired:
            return None
        return None if result.returncode == command.expected_exit else _describe(result)
    if not CLIENT_DRY_RUN.search(text):
        return run_shell(command, env, cwd=cwd, text=text)
    # Kinds the emulator does not serve (Secret, ConfigMap) and server-side apply (not
    # implemented by the emulator): checked by kubectl with a client-side dry run.
    for word in words:
        if word.startswith("--from-file="):
            source = cwd / word.split("=", 1)[1].split("=")[-1]
            if not source.exists():
                source.parent.mkdir(parents=True, exist_ok=True)
                source.write_text("placeholder\n")
    dry = _strip_server_side(text)
    if "--dry-run" not in dry:
        dry = re.sub(r"^kubectl\b", "kubectl --dry-run=client --validate=false -o name", dry)
    try:
        result = _bash(dry, env, cwd, 30)
    except subprocess.TimeoutExpired:
        return "did not exit within 30 s"
    if result.returncode == 0:
        return None
    if "no matches for kind" in result.stderr:
        return _manifests_parse(words, cwd)
    return f"(as a client-side dry run: {dry}) " + _describe(result)


# ---- helm -------------------------------------------------------------------------------

def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def _set_value(values: dict[str, Any], assignment: str) -> None:
    key, _, raw = assignment.partition("=")
    value: Any = yaml.safe_load(raw) if raw else ""
    parts = key.split(".")
    node = values
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def render_helm(command: Command) -> str | None:
    """`helm install|upgrade|template NAME CHART [flags]`, rendered as `helm template` would."""
    import helm_python as helm  # installed from ci/chart-checks/requirements.txt by run.sh

    words = command.words
    positional: list[str] = []
    values: dict[str, Any] = {}
    namespace = "default"
    i = 2
    while i < len(words):
        word = words[i]
        if word in ("-f", "--values"):
            path = ROOT / words[i + 1]
            if not path.exists():
                return f"values file {words[i + 1]} does not exist"
            _deep_merge(values, yaml.safe_load(path.read_text()) or {})
            i += 2
        elif word.startswith("--values="):
            _deep_merge(values, yaml.safe_load((ROOT / word.split("=", 1)[1]).read_text()) or {})
            i += 1
        elif word in ("--set", "--set-string"):
            _set_value(values, words[i + 1])
            i += 2
        elif word in ("-n", "--namespace"):
            namespace = words[i + 1]
            i += 2
        elif word in ("--version", "--timeout"):
            i += 2
        elif word.startswith("-"):
            i += 1  # --create-namespace, --wait, --atomic, --install ...
        else:
            positional.append(word)
            i += 1
    if len(positional) != 2:
        return f"expected `helm {words[1]} NAME CHART`, got positional arguments {positional}"
    release, chart = positional
    chart_dir = ROOT / chart
    if not (chart_dir / "Chart.yaml").exists():
        return f"{chart} is not a chart directory of this repository"
    try:
        files = helm.Chart.load(str(chart_dir)).render(values, name=release, namespace=namespace, is_install=True)
    except Exception as error:  # Helm's own message (template or schema error)
        return f"helm template failed: {error}"
    return None if files else "rendered nothing"


# ---- binaries and curl ------------------------------------------------------------------

def run_binary(command: Command, env: dict[str, str], cwd: Path) -> str | None:
    words = command.words
    if not {"--help", "-h", "--version"} & set(words) and command.expected_exit == 0:
        return "runs a long-lived process: use `--help` or a failing example ending in `# exits N`"
    head = words[0]
    if not head.startswith(".build/") and not (BIN_DIR / head).exists():
        return f"{BIN_DIR / head} is missing: run `swift build` first"
    env = dict(env, PATH=f"{BIN_DIR}:{env.get('PATH', '')}")
    return run_shell(command, env, timeout=20, cwd=cwd)


def run_curl(command: Command, env: dict[str, str], cwd: Path) -> str | None:
    return run_shell(command, env, timeout=15, cwd=cwd)


def apply_export(command: Command, env: dict[str, str]) -> None:
    """`export NAME=value`: NAME is set (with $VARS expanded by bash) for later commands."""
    name = command.words[1].partition("=")[0]
    result = _bash(f"{command.text}\nprintf %s \"${name}\"", env, ROOT, 10)
    env[name] = result.stdout
