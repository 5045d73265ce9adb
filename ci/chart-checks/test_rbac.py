"""The rendered Roles grant exactly the rules documented in docs/DEPLOYMENT.md ("RBAC")."""

from __future__ import annotations

import re
from typing import Any

import yaml

from chartkit import ROOT, one, render

BP_VALUES = yaml.safe_load((ROOT / "examples/two-regions/block-producer-us-east-1.values.yaml").read_text())
AGG_VALUES = yaml.safe_load((ROOT / "examples/two-regions/aggregator-us-east-1.values.yaml").read_text())
POOL_LEASE = "cardano-leader-mainnet-pool1736sy"
AGGREGATOR_LEASE = "forge-aggregator-us-east-1"  # the binary's default: forge-aggregator-<region>

Rule = tuple[str, frozenset[str], frozenset[str], frozenset[str]]


def documented_rules() -> dict[str, set[Rule]]:
    text = (ROOT / "docs/DEPLOYMENT.md").read_text()
    table = text.split("<!-- rbac-table:start -->", 1)[1].split("<!-- rbac-table:end -->", 1)[0]
    rules: dict[str, set[Rule]] = {}
    for line in table.strip().splitlines()[2:]:
        role, group, resources, verbs, names = [c.strip() for c in line.strip().strip("|").split("|")]
        split = lambda cell: frozenset(x.strip() for x in cell.split(",") if x.strip())  # noqa: E731
        resolved_names = {"the pool's Lease": frozenset([POOL_LEASE]),
                          "the aggregator's Lease": frozenset([AGGREGATOR_LEASE])}.get(names, split(names))
        rules.setdefault(role, set()).add((group.strip('"'), split(resources), split(verbs), resolved_names))
    return rules


def rendered_rules(role: dict[str, Any]) -> set[Rule]:
    rules = set()
    for rule in role["rules"]:
        (group,) = rule["apiGroups"]
        assert "nonResourceURLs" not in rule
        rules.add((group, frozenset(rule["resources"]), frozenset(rule["verbs"]),
                   frozenset(rule.get("resourceNames", []))))
    return rules


def test_documented_table_is_parsed() -> None:
    rules = documented_rules()
    assert len(rules["forge-reporter"]) == 6 and len(rules["forge-aggregator"]) == 6
    assert len(rules["forge-aggregator-peer-reader"]) == 2


def test_reporter_role_is_exactly_the_documented_set() -> None:
    manifests = render("cardano-block-producer", BP_VALUES)
    role = one(manifests, "Role", "-reporter")
    assert rendered_rules(role) == documented_rules()["forge-reporter"]
    binding = one(manifests, "RoleBinding", "-reporter")
    sa = one(manifests, "ServiceAccount")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": sa["metadata"]["name"],
                                    "namespace": "cardano-test"}]
    assert binding["roleRef"]["name"] == role["metadata"]["name"]
    sts = one(manifests, "StatefulSet")
    assert sts["spec"]["template"]["spec"]["serviceAccountName"] == sa["metadata"]["name"]


def test_reporter_lease_name_limit_follows_the_lease_the_reporter_uses() -> None:
    role = one(render("cardano-block-producer", {}), "Role", "-reporter")
    limited = [r for r in role["rules"] if r.get("resourceNames")]
    assert limited == [{"apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
                        "resourceNames": ["cardano-node-leader"], "verbs": ["get", "update", "watch"]}]
    open_role = one(render("cardano-block-producer", {"rbac": {"restrictLeaseName": False}}), "Role")
    assert not [r for r in open_role["rules"] if r.get("resourceNames")]


def roles_by_name(manifests: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == "Role"}


def test_aggregator_roles_are_exactly_the_documented_set() -> None:
    manifests = render("forge-aggregator", AGG_VALUES)
    roles = roles_by_name(manifests)
    assert set(roles) == {"forge-forge-aggregator", "forge-forge-aggregator-peer-reader"}
    assert rendered_rules(roles["forge-forge-aggregator"]) == documented_rules()["forge-aggregator"]
    assert rendered_rules(roles["forge-forge-aggregator-peer-reader"]) == \
        documented_rules()["forge-aggregator-peer-reader"]
    assert not [m for m in manifests if m["kind"] in ("ClusterRole", "ClusterRoleBinding")]


def test_peer_reader_is_optional() -> None:
    roles = roles_by_name(render("forge-aggregator", {"region": "us-east-1"}))
    assert set(roles) == {"forge-forge-aggregator"}


def test_no_cluster_wide_rbac_and_no_wildcards() -> None:
    for chart, values in (("cardano-block-producer", BP_VALUES), ("forge-aggregator", AGG_VALUES)):
        for manifest in render(chart, values):
            assert manifest["kind"] not in ("ClusterRole", "ClusterRoleBinding"), chart
            for rule in manifest.get("rules", []) if manifest["kind"] == "Role" else []:
                flat = rule["apiGroups"] + rule["resources"] + rule["verbs"]
                assert "*" not in flat and not any(re.search(r"\*", x) for x in flat), rule


def test_rbac_can_be_turned_off() -> None:
    assert not [m for m in render("cardano-block-producer", {"rbac": {"create": False}})
                if m["kind"] in ("Role", "RoleBinding")]


def test_aggregator_can_write_only_its_own_lease() -> None:
    role = roles_by_name(render("forge-aggregator", {**AGG_VALUES, "leaderElection": {
        "leaseName": "agg-lease", "leaseDuration": 15, "renewDeadline": 10, "retryPeriod": 2}}))["forge-forge-aggregator"]
    writes = [r for r in role["rules"] if "leases" in r["resources"] and {"update", "patch"} & set(r["verbs"])]
    assert writes == [{"apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
                       "resourceNames": ["agg-lease"], "verbs": ["get", "update", "watch"]}]
