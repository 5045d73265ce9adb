"""Every chart rendered with every example: Kubernetes schemas, CRD schemas, helm lint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from chartkit import (KUBE_VERSIONS, ROOT, example_values_files, lint, load_yaml_docs, render,
                      validate_custom_resource)

# Kinds that come from CRDs rather than Kubernetes itself.
PROMETHEUS_OPERATOR_KINDS = {"ServiceMonitor", "PodMonitor", "PrometheusRule"}

CASES = [(chart, path) for chart, path in example_values_files()]
# The block-producer chart's own defaults must render too (the aggregator has a
# required value, region, and is covered by test_values.py).
CASES.append(("cardano-block-producer", None))


def case_id(case: tuple[str, Path | None]) -> str:
    chart, path = case
    return f"{chart}:{path.relative_to(ROOT) if path else 'defaults'}"


def values_of(path: Path | None) -> dict[str, Any]:
    return yaml.safe_load(path.read_text()) if path else {}


def test_every_example_values_file_is_checked() -> None:
    charts = {chart for chart, _ in CASES}
    assert charts == {"cardano-block-producer", "forge-aggregator"}
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("version", KUBE_VERSIONS)
def test_rendered_manifests_match_the_kubernetes_schemas(case: tuple[str, Path | None], version: str) -> None:
    chart, path = case
    manifests = render(chart, values_of(path))
    assert manifests, "chart rendered nothing"
    for manifest in manifests:
        where = f"{manifest['kind']}/{manifest['metadata']['name']}"
        if manifest["apiVersion"].startswith("cardano.io/"):
            assert validate_custom_resource(manifest) == [], where
        elif manifest["kind"] in PROMETHEUS_OPERATOR_KINDS:
            assert manifest["apiVersion"] == "monitoring.coreos.com/v1", where
            assert isinstance(manifest["spec"], dict) and manifest["spec"], where
        else:
            try:
                kubernetes_validate.validate(manifest, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{where} is invalid for Kubernetes {version}: {error}")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_helm_lint_strict(case: tuple[str, Path | None]) -> None:
    chart, path = case
    for version in KUBE_VERSIONS:
        report = lint(chart, values_of(path), version)
        problems = [m for m in report["messages"] if m["severity"] >= 2] + report.get("errors", [])
        assert not problems, f"helm lint ({version}): {problems}"


def test_crd_chart_lints_and_ships_both_crds() -> None:
    for version in KUBE_VERSIONS:
        report = lint("cardano-forge-crds", {}, version)
        assert not [m for m in report["messages"] if m["severity"] >= 2]
    import helm_python
    crds = helm_python.Chart.load(str(ROOT / "charts" / "cardano-forge-crds")).crds
    assert sorted(c["name"] for c in crds) == ["crds/cardano.io_cardanoforgeclusters.yaml",
                                               "crds/cardano.io_cardanoleaders.yaml"]


def test_every_rendered_object_carries_the_common_labels() -> None:
    for chart, path in CASES:
        for manifest in render(chart, values_of(path)):
            labels = manifest["metadata"].get("labels", {})
            assert labels.get("app.kubernetes.io/part-of") == "cardano-forge-manager", manifest["metadata"]["name"]
            assert labels.get("app.kubernetes.io/managed-by") == "Helm"


def test_example_manifests_are_parsable() -> None:
    for _, path in example_values_files():
        assert isinstance(load_yaml_docs(path)[0], dict), path


def test_charts_declare_the_kubernetes_versions_they_need() -> None:
    """Native sidecars (1.29) and admissionregistration/v1 policies (1.30): Helm refuses
    to install on older clusters because of Chart.yaml's kubeVersion."""
    import helm_python
    versions = {chart: helm_python.Chart.load(str(ROOT / "charts" / chart)).metadata["kubeVersion"]
                for chart in ("cardano-block-producer", "forge-aggregator", "cardano-forge-crds")}
    assert versions == {"cardano-block-producer": ">=1.30.0-0", "forge-aggregator": ">=1.29.0-0",
                        "cardano-forge-crds": ">=1.29.0-0"}


def test_pod_monitor_scrapes_the_reporters() -> None:
    from chartkit import one
    values = yaml.safe_load((ROOT / "examples/two-regions/block-producer-us-east-1.values.yaml").read_text())
    manifests = render("cardano-block-producer", values)
    monitor = one(manifests, "PodMonitor")
    sts = one(manifests, "StatefulSet")
    assert monitor["spec"]["selector"]["matchLabels"] == sts["spec"]["selector"]["matchLabels"]
    assert monitor["spec"]["podMetricsEndpoints"][0]["port"] == "metrics"
