"""The aggregator chart's alert rules read metrics the aggregator really exports.

Names only: the metric names in the rendered PrometheusRule's expressions must be metric
names defined in Sources/Aggregator, or in Sources/Reporter (scraped through the block-producer
chart's PodMonitor: the guard-heartbeat alert reads the reporter's `cardano_forge_guard_alive`). The labels the rules group by are checked against a
real scrape of a running aggregator by the Swift test AggregatorRegionsIntegrationTests
(AlertRuleCheck), which needs the built binary.
"""

from __future__ import annotations

import re

import yaml

from chartkit import ROOT, one, render

VALUES = yaml.safe_load((ROOT / "examples/two-regions/aggregator-us-east-1.values.yaml").read_text())


def exported_names() -> set[str]:
    names: set[str] = set()
    for source in [*(ROOT / "Sources/Aggregator").glob("*.swift"), *(ROOT / "Sources/Reporter").glob("*.swift")]:
        names |= set(re.findall(r'"(cardano_[a-z_]+)"', source.read_text()))
    return names


def test_alert_expressions_name_exported_metrics() -> None:
    exported = exported_names()
    assert "cardano_cluster_forge_enabled" in exported, sorted(exported)  # the scan itself works
    rule = one(render("forge-aggregator", VALUES), "PrometheusRule")
    read = {}
    for group in rule["spec"]["groups"]:
        for r in group["rules"]:
            for name in re.findall(r"\bcardano_[a-z_]+", r["expr"]):
                read.setdefault(name, []).append(r["alert"])
    assert len(read) >= 4, read
    unknown = {name: alerts for name, alerts in read.items() if name not in exported}
    assert unknown == {}, f"alert rules read metrics the binaries do not export: {unknown}"
