"""The Grafana dashboard: rendered as a ConfigMap for the sidecar only when enabled, valid
JSON, and every query reads metrics the binaries export (names taken from the metric
definitions in Sources/Reporter and Sources/Aggregator), so a renamed metric cannot leave a
panel silently empty."""

from __future__ import annotations

import json
import re

import yaml

from chartkit import ROOT, find, one, render

VALUES = yaml.safe_load((ROOT / "examples/two-regions/aggregator-us-east-1.values.yaml").read_text())
DASHBOARD = ROOT / "charts/forge-aggregator/dashboards/forge-manager.json"
# Metrics the dashboard may read that Prometheus itself provides.
PROMETHEUS_OWN = {"up"}
PROMQL_WORDS = {"max", "min", "sum", "by", "without", "increase", "rate", "changes", "label_values", "and", "or",
                "unless", "on", "ignoring", "avg", "count", "absent"}


def exported_metric_names() -> set[str]:
    names: set[str] = set()
    for directory in ("Reporter", "Aggregator"):
        for source in (ROOT / "Sources" / directory).glob("*.swift"):
            names |= set(re.findall(r'"(cardano_[a-z_]+)"', source.read_text()))
    return names


def queries(dashboard: dict) -> list[str]:
    found = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    found += [v["query"] for v in dashboard["templating"]["list"] if v.get("type") == "query"]
    return found


def metric_names(expression: str) -> set[str]:
    # Drop label matchers and Grafana variables, then take the identifiers followed by a
    # selector, a range or the end of an argument list.
    # label_values(metric{...}, label): only the first argument names a metric.
    variable = re.match(r"\s*label_values\((.*),\s*[a-zA-Z_]\w*\s*\)\s*$", expression)
    if variable:
        expression = variable.group(1)
    text = re.sub(r"\{[^}]*\}", "{}", expression)
    text = re.sub(r"\$\w+|\[[^\]]*\]|\"[^\"]*\"", "", text)
    words = set(re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b\s*(?=\{|\[|\)|,|$)", text))
    labels = set(re.findall(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)", expression))
    label_words = {w.strip() for group in labels for w in group.split(",")}
    return {w for w in words if w not in PROMQL_WORDS and w not in label_words and not w.isdigit()}


def test_dashboard_is_off_by_default_and_a_sidecar_configmap_when_enabled() -> None:
    assert find(render("forge-aggregator", VALUES), "ConfigMap") == []
    values = dict(VALUES, grafanaDashboard={"enabled": True})
    configmap = one(render("forge-aggregator", values), "ConfigMap")
    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
    dashboard = json.loads(configmap["data"]["forge-manager.json"])
    assert dashboard == json.loads(DASHBOARD.read_text())


def test_every_query_reads_exported_metrics() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exported = exported_metric_names() | PROMETHEUS_OWN
    assert "cardano_pool_forging_pods" in exported and "cardano_fence_events_total" in exported  # the scan works
    read: dict[str, list[str]] = {}
    for expression in queries(dashboard):
        for name in metric_names(expression):
            read.setdefault(name, []).append(expression)
    assert len(read) >= 10, read
    unknown = {name: exprs for name, exprs in read.items() if name not in exported}
    assert unknown == {}, f"dashboard queries read metrics no binary exports: {unknown}"


def test_the_metric_name_reader_sees_a_misspelt_metric() -> None:
    assert metric_names('max by (region) (cardano_pool_forging_podz{network=~"$network"})') == {"cardano_pool_forging_podz"}
    assert metric_names("sum by (pod) (increase(cardano_fence_events_total[$__rate_interval]))") == {"cardano_fence_events_total"}
    assert metric_names('label_values(cardano_cluster_forge_enabled{network=~"$network"}, pool_id)') == {"cardano_cluster_forge_enabled"}


def test_dashboard_covers_what_operators_asked_for() -> None:
    text = DASHBOARD.read_text()
    for metric in ("cardano_pool_forging_pods", "cardano_leadership_changes_total", "cardano_fence_events_total",
                   "cardano_aggregator_status_write_failures_total", "cardano_cluster_kes_days_remaining"):
        assert metric in text, metric
