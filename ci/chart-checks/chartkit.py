"""Shared helpers for the chart checks: paths, Helm rendering, schema validation.

Rendering uses the real Helm engine (Helm's Go SDK through helm-python-sdk),
the same code `helm template` runs, so what is checked here is what a cluster
receives.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import re
from pathlib import Path
from typing import Any, Iterable

import celpy
import helm_python as helm
import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHARTS = ROOT / "charts"
EXAMPLES = ROOT / "examples"
CRD_DIR = CHARTS / "cardano-forge-crds" / "crds"

# Kubernetes minor versions the charts support and are validated against.
KUBE_VERSIONS = ("1.30", "1.31", "1.33")

# Which chart an example values file belongs to, by file-name prefix.
CHART_BY_PREFIX = {
    "block-producer": "cardano-block-producer",
    "aggregator": "forge-aggregator",
}

RELEASE = "forge"
NAMESPACE = "cardano-test"


# ---- examples ----------------------------------------------------------------

def example_values_files() -> list[tuple[str, Path]]:
    """(chart name, values file) for every examples/**/<prefix>*.values.yaml."""
    found = []
    for path in sorted(EXAMPLES.rglob("*.values.yaml")):
        chart = next((c for p, c in CHART_BY_PREFIX.items() if path.name.startswith(p)), None)
        if chart is None:
            raise AssertionError(f"{path}: values file name must start with one of {list(CHART_BY_PREFIX)}")
        found.append((chart, path))
    return found


def example_manifest_files() -> list[Path]:
    """Every examples/**/*.yaml that is a manifest, not a values file."""
    return [p for p in sorted(EXAMPLES.rglob("*.yaml")) if not p.name.endswith(".values.yaml")]


def load_yaml_docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


# ---- Helm ----------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _chart(name: str) -> helm.Chart:
    return helm.Chart.load(str(CHARTS / name))


def render(chart: str, values: dict[str, Any] | None = None, *, release: str = RELEASE,
           namespace: str = NAMESPACE) -> list[dict[str, Any]]:
    """Render a chart with Helm (as `helm template` would) and return its manifests."""
    return [copy.deepcopy(m) for m in _render_cached(chart, json.dumps(values or {}, sort_keys=True),
                                                     release, namespace)]


@functools.lru_cache(maxsize=None)
def _render_cached(chart: str, values_json: str, release: str, namespace: str) -> tuple[dict[str, Any], ...]:
    files = _chart(chart).render(json.loads(values_json), name=release, namespace=namespace, is_install=True)
    manifests: list[dict[str, Any]] = []
    for path, text in sorted(files.items()):
        if path.endswith("NOTES.txt"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                assert "kind" in doc and "apiVersion" in doc, f"{path}: document without kind/apiVersion"
                manifests.append(doc)
    return tuple(manifests)


def render_error(chart: str, values: dict[str, Any]) -> str:
    """The message Helm gives for values that must be rejected ("" if accepted)."""
    try:
        _chart(chart).render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    except helm.HelmError as error:
        return str(error)
    return ""


def lint(chart: str, values: dict[str, Any], kube_version: str) -> dict[str, Any]:
    return helm.lint(str(CHARTS / chart), values, strict=True, namespace=NAMESPACE,
                     kube_version=f"v{kube_version}.0")


def find(manifests: Iterable[dict[str, Any]], kind: str, name_contains: str = "") -> list[dict[str, Any]]:
    return [m for m in manifests if m["kind"] == kind and name_contains in m["metadata"]["name"]]


def one(manifests: Iterable[dict[str, Any]], kind: str, name_contains: str = "") -> dict[str, Any]:
    hits = find(manifests, kind, name_contains)
    assert len(hits) == 1, f"expected one {kind} ({name_contains!r}), found {len(hits)}"
    return hits[0]


# ---- CRDs and custom resources ---------------------------------------------------

def load_crds() -> dict[str, dict[str, Any]]:
    """CRD manifests by kind."""
    crds = {}
    for path in sorted(CRD_DIR.glob("*.yaml")):
        for doc in load_yaml_docs(path):
            crds[doc["spec"]["names"]["kind"]] = doc
    return crds


def crd_schema(kind: str) -> dict[str, Any]:
    version = next(v for v in load_crds()[kind]["spec"]["versions"] if v["storage"])
    return version["schema"]["openAPIV3Schema"]


_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

_format_checker = jsonschema.FormatChecker(formats=())


@_format_checker.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    """RFC 3339 as the API server requires it (jsonschema skips this without extras)."""
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _cel_value(value: Any) -> Any:
    return celpy.json_to_cel(value)


def cel_eval(expression: str, activation: dict[str, Any]) -> Any:
    env = celpy.Environment()
    program = env.program(env.compile(expression))
    return program.evaluate({k: _cel_value(v) for k, v in activation.items()})


def _cel_rule_errors(schema: dict[str, Any], value: Any, path: str) -> list[str]:
    """Evaluate x-kubernetes-validations rules (CRD CEL) with cel-python."""
    errors = []
    for rule in schema.get("x-kubernetes-validations", []):
        if not cel_eval(rule["rule"], {"self": value}):
            errors.append(f"{path}: {rule.get('message', rule['rule'])}")
    if isinstance(value, dict):
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                errors += _cel_rule_errors(sub, value[key], f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += _cel_rule_errors(schema["items"], item, f"{path}[{i}]")
    return errors


def apply_defaults(schema: dict[str, Any], value: Any) -> Any:
    """Structural defaulting as the API server does it (defaults of present objects)."""
    if isinstance(value, dict) and schema.get("type") == "object":
        for key, sub in schema.get("properties", {}).items():
            if key not in value and "default" in sub:
                value[key] = copy.deepcopy(sub["default"])
            if key in value:
                value[key] = apply_defaults(sub, value[key])
    if isinstance(value, list) and "items" in schema:
        value = [apply_defaults(schema["items"], item) for item in value]
    return value


def validate_custom_resource(obj: dict[str, Any]) -> list[str]:
    """Errors of a cardano.io object against its CRD (schema after defaulting, then CEL rules)."""
    schema = crd_schema(obj["kind"])
    obj = apply_defaults(schema, copy.deepcopy(obj))
    validator = jsonschema.Draft7Validator(schema, format_checker=_format_checker)
    errors = [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
              for e in validator.iter_errors(obj)]
    return errors or _cel_rule_errors(schema, obj, "")
