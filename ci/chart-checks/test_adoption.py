"""The escape hatches people expect of a chart (issue #12): name overrides, extra env and
volumes, scheduling knobs, an optional NetworkPolicy, the node's metrics port, and READMEs
whose values tables are generated from values.yaml and never stale."""

from __future__ import annotations

import copy
import subprocess
import sys
from typing import Any

import yaml

from chartkit import ROOT, find, one, render

BP_VALUES = yaml.safe_load((ROOT / "examples/two-regions/block-producer-us-east-1.values.yaml").read_text())
AGG_VALUES = yaml.safe_load((ROOT / "examples/two-regions/aggregator-us-east-1.values.yaml").read_text())

VOLUME = {"name": "extra", "configMap": {"name": "my-extra"}}
MOUNT = {"name": "extra", "mountPath": "/extra", "readOnly": True}
SPREAD = [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway",
           "labelSelector": {"matchLabels": {"app.kubernetes.io/component": "block-producer"}}}]
PEERS = [{"podSelector": {"matchLabels": {"app": "relay"}}}]


def merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


def test_block_producer_name_overrides_rename_every_object_and_keep_selectors_consistent() -> None:
    manifests = render("cardano-block-producer", merged(BP_VALUES, {"fullnameOverride": "alpha-bp"}))
    sts = one(manifests, "StatefulSet")
    assert sts["metadata"]["name"] == "alpha-bp"
    assert one(manifests, "Service")["metadata"]["name"] == "alpha-bp-headless"
    manifests = render("cardano-block-producer", merged(BP_VALUES, {"nameOverride": "producer"}))
    sts = one(manifests, "StatefulSet")
    assert sts["metadata"]["name"].endswith("-producer")
    assert sts["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == "producer"
    assert sts["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == "producer"
    # Defaults unchanged: the selector of existing StatefulSets is immutable.
    default = one(render("cardano-block-producer", BP_VALUES), "StatefulSet")
    assert default["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == "cardano-block-producer"


def test_block_producer_extra_env_volumes_and_scheduling() -> None:
    values = merged(BP_VALUES, {
        "extraVolumes": [VOLUME], "topologySpreadConstraints": SPREAD, "priorityClassName": "forging",
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "cardano", "effect": "NoSchedule"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["alpha"]}]}]}}},
        "podAnnotations": {"a": "1"}, "podLabels": {"team": "spo"},
        "node": {"extraEnv": [{"name": "TZ", "value": "UTC"}], "extraVolumeMounts": [MOUNT]},
        "reporter": {"extraEnv": [{"name": "NODE_LOG_FILE", "value": "/extra/node.log"}], "extraVolumeMounts": [MOUNT]},
    })
    template = one(render("cardano-block-producer", values), "StatefulSet")["spec"]["template"]
    spec = template["spec"]
    assert by_name(spec["volumes"])["extra"] == VOLUME
    containers = by_name(spec["initContainers"] + spec["containers"])
    assert by_name(containers["cardano-node"]["volumeMounts"])["extra"] == MOUNT
    assert by_name(containers["forge-reporter"]["volumeMounts"])["extra"] == MOUNT
    assert by_name(containers["cardano-node"]["env"])["TZ"]["value"] == "UTC"
    assert by_name(containers["forge-reporter"]["env"])["NODE_LOG_FILE"]["value"] == "/extra/node.log"
    assert spec["topologySpreadConstraints"] == SPREAD and spec["priorityClassName"] == "forging"
    assert spec["tolerations"][0]["key"] == "dedicated"
    assert "podAntiAffinity" not in spec["affinity"] and "nodeAffinity" in spec["affinity"], "affinity replaces the default"
    assert template["metadata"]["annotations"]["a"] == "1" and template["metadata"]["labels"]["team"] == "spo"


def test_block_producer_node_metrics_port_and_pod_monitor() -> None:
    manifests = render("cardano-block-producer", merged(BP_VALUES, {"metrics": {"podMonitor": {"enabled": True, "scrapeNode": True}}}))
    node = by_name(one(manifests, "StatefulSet")["spec"]["template"]["spec"]["containers"])["cardano-node"]
    assert by_name(node["ports"])["node-metrics"]["containerPort"] == 12798
    assert by_name(one(manifests, "Service")["spec"]["ports"])["node-metrics"]["port"] == 12798
    assert [e["port"] for e in one(manifests, "PodMonitor")["spec"]["podMetricsEndpoints"]] == ["metrics", "node-metrics"]
    off = render("cardano-block-producer", merged(BP_VALUES, {"node": {"metricsPort": 0}}))
    node = by_name(one(off, "StatefulSet")["spec"]["template"]["spec"]["containers"])["cardano-node"]
    assert "node-metrics" not in by_name(node["ports"])


def test_network_policies_are_optional_and_open_only_the_named_ports() -> None:
    assert find(render("cardano-block-producer", BP_VALUES), "NetworkPolicy") == []
    assert find(render("forge-aggregator", AGG_VALUES), "NetworkPolicy") == []
    policy = one(render("cardano-block-producer", merged(BP_VALUES, {"networkPolicy": {"enabled": True, "nodeFrom": PEERS}})), "NetworkPolicy")
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    node_rule, metrics_rule = policy["spec"]["ingress"]
    assert node_rule["from"] == PEERS and node_rule["ports"] == [{"port": "node", "protocol": "TCP"}]
    assert "from" not in metrics_rule and {p["port"] for p in metrics_rule["ports"]} == {"metrics", "node-metrics"}
    closed = one(render("cardano-block-producer", merged(BP_VALUES, {"networkPolicy": {"enabled": True}})), "NetworkPolicy")
    assert len(closed["spec"]["ingress"]) == 1, "no nodeFrom: the node port is not opened"
    agg = one(render("forge-aggregator", merged(AGG_VALUES, {"networkPolicy": {"enabled": True, "metricsFrom": PEERS}})), "NetworkPolicy")
    assert agg["spec"]["ingress"] == [{"ports": [{"port": "http", "protocol": "TCP"}], "from": PEERS}]


def test_aggregator_name_overrides_extra_volumes_and_scheduling() -> None:
    values = merged(AGG_VALUES, {"fullnameOverride": "agg-east", "extraVolumes": [VOLUME], "extraVolumeMounts": [MOUNT],
                                 "topologySpreadConstraints": SPREAD, "priorityClassName": "forging",
                                 "extraEnv": [{"name": "KUBE_QPS", "value": "5"}]})
    manifests = render("forge-aggregator", values)
    deployment = one(manifests, "Deployment")
    assert deployment["metadata"]["name"] == "agg-east"
    spec = deployment["spec"]["template"]["spec"]
    assert by_name(spec["volumes"])["extra"] == VOLUME
    container = spec["containers"][0]
    assert by_name(container["volumeMounts"])["extra"] == MOUNT
    assert by_name(container["env"])["KUBE_QPS"]["value"] == "5"
    assert spec["topologySpreadConstraints"] == SPREAD and spec["priorityClassName"] == "forging"
    renamed = one(render("forge-aggregator", merged(AGG_VALUES, {"nameOverride": "agg"})), "Deployment")
    assert renamed["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == "agg"


def test_readme_values_tables_are_generated_and_current() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts/chart-values-table.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for chart in ("cardano-block-producer", "forge-aggregator", "cardano-forge-crds"):
        assert "<!-- values-table:start -->" in (ROOT / "charts" / chart / "README.md").read_text()
