"""The CRDs in charts/cardano-forge-crds/crds: names, structure, patterns, defaults."""

from __future__ import annotations

import re
from typing import Any, Iterator

import jsonschema
import kubernetes_validate
import pytest

from chartkit import KUBE_VERSIONS, ROOT, cel_eval, crd_schema, load_crds, validate_custom_resource

REAL_POOL_IDS = [
    # bech32 pool ids as cardano-cli prints them, and a 56-hex id
    "pool1z5uqdk7dzdxaae5633fqfcu2eqzy3a3rgtuvy087fdld7yws0xt",
    "pool1pu5jlj4q9w9jlxeu370a3c9myx47md5j5m2str0naunn2q3lkdy",
    "pool1736syfjv9yzcstt7awcmckfr72x00u6dh68anzlyzzhu5gsjr55",
    "153806dbcd134ddee69a8c5204e38ac80448f62342f8c23cfe4b7edf",
]
BAD_POOL_IDS = [
    "pool1abc",                                                   # too short
    "pool1test123",                                               # the predecessor's docs example
    "pool1z5uqdk7dzdxaae5633fqfcu2eqzy3a3rgtuvy087fdld7yws0xtb",  # 52 data characters
    "pool1z5uqdk7dzdxaae5633fqfcu2eqzy3a3rgtuvy087fdld7yws0xi",   # 'i' is not bech32
    "stake1u9z5uqdk7dzdxaae5633fqfcu2eqzy3a3rgtuvy087fdld7yws0x",  # wrong prefix
    "153806dbcd134ddee69a8c5204e38ac80448f62342f8c23cfe4b7ed",    # 55 hex
]

CFC_STATUS_FIELDS = {
    "phase", "effectiveState", "effectivePriority", "forgingEnabled", "activeLeader", "reason",
    "message", "healthStatus", "reportingPods", "totalPods", "freshPods", "heartbeat",
    "lastTransition", "observedGeneration", "conditions", "credentials", "writtenBy",
}
REPORTING_POD_FIELDS = {
    "podName", "phase", "leader", "forging", "socketHealthy", "credentials", "fresh", "lastSeen",
    "reason", "message",
}
HEALTH_STATUS_FIELDS = {"healthy", "lastProbeTime", "consecutiveFailures", "message", "responseTime"}
CONDITION_FIELDS = {"type", "status", "reason", "message", "lastTransitionTime", "observedGeneration"}


def minimal_cfc(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "cardano.io/v1", "kind": "CardanoForgeCluster",
            "metadata": {"name": "mainnet-pool1z5uqd-us-east-1"},
            "spec": {"region": "us-east-1", **spec}}


def walk(schema: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    yield path, schema
    for key, sub in schema.get("properties", {}).items():
        yield from walk(sub, f"{path}.{key}")
    if "items" in schema:
        yield from walk(schema["items"], f"{path}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from walk(schema["additionalProperties"], f"{path}{{}}")


@pytest.mark.parametrize("kind", ["CardanoForgeCluster", "CardanoLeader"])
@pytest.mark.parametrize("version", KUBE_VERSIONS)
def test_crd_is_a_valid_apiextensions_v1_object(kind: str, version: str) -> None:
    kubernetes_validate.validate(load_crds()[kind], version, strict=True)


def test_names_scope_and_versions() -> None:
    crds = load_crds()
    assert set(crds) == {"CardanoForgeCluster", "CardanoLeader"}
    expected = {
        "CardanoForgeCluster": ("cardanoforgeclusters", "cardanoforgecluster", ["cfc"]),
        "CardanoLeader": ("cardanoleaders", "cardanoleader", ["cl"]),
    }
    for kind, (plural, singular, short) in expected.items():
        spec = crds[kind]["spec"]
        assert crds[kind]["metadata"]["name"] == f"{plural}.cardano.io"
        assert spec["group"] == "cardano.io"
        assert spec["scope"] == "Namespaced"
        assert spec["names"] == {"kind": kind, "listKind": f"{kind}List", "plural": plural,
                                 "singular": singular, "shortNames": short, "categories": ["cardano"]}
        (version,) = spec["versions"]
        assert (version["name"], version["served"], version["storage"]) == ("v1", True, True)
        assert version["subresources"] == {"status": {}}


def test_schemas_are_structural() -> None:
    """Every node has a type (or is explicitly int-or-string); no unknown-field escape hatches."""
    for kind in ("CardanoForgeCluster", "CardanoLeader"):
        for path, node in walk(crd_schema(kind)):
            assert "type" in node or node.get("x-kubernetes-int-or-string"), f"{kind}{path}: no type"
            assert not node.get("x-kubernetes-preserve-unknown-fields"), f"{kind}{path}: preserves unknown fields"
            if node.get("type") == "object" and path not in (".metadata",):
                assert "properties" in node or "additionalProperties" in node, f"{kind}{path}: untyped object"


def test_every_default_satisfies_its_own_schema() -> None:
    for kind in ("CardanoForgeCluster", "CardanoLeader"):
        for path, node in walk(crd_schema(kind)):
            if "default" in node:
                errors = list(jsonschema.Draft7Validator(node).iter_errors(node["default"]))
                assert not errors, f"{kind}{path}: default {node['default']!r} fails: {errors[0].message}"


def credentials_summary_fields() -> set[str]:
    """The fields of ForgeCore's CredentialsSummary, which the aggregator writes as status.credentials."""
    source = (ROOT / "Sources/ForgeCore/RegionCredentials.swift").read_text()
    body = source.split("public struct CredentialsSummary", 1)[1].split("public init()", 1)[0]
    fields = set(re.findall(r"public var (\w+)", body))
    assert {"kesDaysLeft", "consistent", "issueCounter"} <= fields, fields
    return fields


def test_spec_defaults() -> None:
    spec = crd_schema("CardanoForgeCluster")["properties"]["spec"]
    props = spec["properties"]
    assert props["forgeState"]["enum"] == ["Enabled", "Disabled", "Priority-based"]
    assert props["forgeState"]["default"] == "Priority-based"
    assert (props["priority"]["minimum"], props["priority"]["maximum"], props["priority"]["default"]) == (1, 999, 100)
    assert props["gracePeriod"]["default"] == "150s"
    hc = props["healthCheck"]["properties"]
    assert (hc["interval"]["default"], hc["timeout"]["default"], hc["failureThreshold"]["default"]) == ("30s", "10s", 3)
    assert props["override"]["properties"]["forceState"]["enum"] == ["Enabled", "Disabled", "Priority-based"]
    assert spec["required"] == ["region"], "pool and network must stay optional (single-tenant installs)"


def test_status_fields_are_the_documented_set() -> None:
    status = crd_schema("CardanoForgeCluster")["properties"]["status"]["properties"]
    assert set(status) == CFC_STATUS_FIELDS
    assert set(status["reportingPods"]["items"]["properties"]) == REPORTING_POD_FIELDS
    assert set(status["healthStatus"]["properties"]) == HEALTH_STATUS_FIELDS
    assert set(status["conditions"]["items"]["properties"]) == CONDITION_FIELDS
    assert status["heartbeat"]["format"] == "int64"
    # The aggregator term a reporter binds the status to (docs/SAFETY.md, "Region liveness").
    assert set(status["writtenBy"]["properties"]) == {"lease", "holder", "acquireTime"}
    assert set(status["credentials"]["properties"]) == credentials_summary_fields()
    leader = crd_schema("CardanoLeader")["properties"]["status"]["properties"]
    assert {"leaderPod", "forgingEnabled", "lastTransitionTime", "reason", "conditions"} <= set(leader)


def test_printer_columns() -> None:
    columns = {c["name"]: c for c in load_crds()["CardanoForgeCluster"]["spec"]["versions"][0]["additionalPrinterColumns"]}
    default_view = [name for name, c in columns.items() if c.get("priority", 0) == 0]
    assert default_view == ["Network", "Pool", "Region", "State", "Priority", "Leader", "Forging", "Pods",
                            "Healthy", "KES Days", "Creds Agree", "Age"]
    assert columns["KES Days"]["jsonPath"] == ".status.credentials.kesDaysLeft"
    assert columns["State"]["jsonPath"] == ".status.effectiveState"
    assert columns["Priority"]["jsonPath"] == ".status.effectivePriority"
    assert columns["Pods"]["jsonPath"] == ".status.freshPods"
    assert columns["Healthy"]["jsonPath"] == ".status.healthStatus.healthy"
    # every column points at a field the schema has
    for column in columns.values():
        parts = column["jsonPath"].strip(".").split(".")
        if parts[0] == "metadata":
            continue
        node = crd_schema("CardanoForgeCluster")
        for part in parts:
            node = node["properties"][part]


@pytest.mark.parametrize("pool_id", REAL_POOL_IDS)
def test_real_pool_ids_pass(pool_id: str) -> None:
    assert validate_custom_resource(minimal_cfc(pool={"id": pool_id, "ticker": "ABC12"})) == []


@pytest.mark.parametrize("pool_id", BAD_POOL_IDS)
def test_malformed_pool_ids_fail(pool_id: str) -> None:
    errors = validate_custom_resource(minimal_cfc(pool={"id": pool_id}))
    assert errors and "pool.id" in errors[0]


@pytest.mark.parametrize("ticker,ok", [("A", True), ("ABCDE", True), ("IOG1", True), ("", False),
                                        ("ABCDEF", False), ("abc", False), ("AB-C", False)])
def test_ticker_pattern(ticker: str, ok: bool) -> None:
    errors = validate_custom_resource(minimal_cfc(pool={"id": REAL_POOL_IDS[0], "ticker": ticker}))
    assert (errors == []) is ok, errors


@pytest.mark.parametrize("region,ok", [("us-east-1", True), ("eu1", True), ("US-EAST-1", False),
                                        ("-east", False), ("east_1", False), ("a" * 64, False)])
def test_region_is_a_dns_label(region: str, ok: bool) -> None:
    obj = minimal_cfc()
    obj["spec"]["region"] = region
    assert (validate_custom_resource(obj) == []) is ok


@pytest.mark.parametrize("duration,ok", [("90s", True), ("5m", True), ("1h30m", True), ("500ms", True),
                                          ("90", False), ("1.5s", False), ("5 m", False), ("-1s", False)])
def test_duration_pattern(duration: str, ok: bool) -> None:
    assert (validate_custom_resource(minimal_cfc(gracePeriod=duration)) == []) is ok


@pytest.mark.parametrize("priority,ok", [(1, True), (999, True), (0, False), (1000, False)])
def test_priority_range(priority: int, ok: bool) -> None:
    assert (validate_custom_resource(minimal_cfc(priority=priority)) == []) is ok


def test_single_tenant_object_without_pool_or_network_is_valid() -> None:
    assert validate_custom_resource(minimal_cfc()) == []


def test_enabled_health_check_needs_an_endpoint() -> None:
    errors = validate_custom_resource(minimal_cfc(healthCheck={"enabled": True}))
    assert errors == [".spec.healthCheck: healthCheck.endpoint is required when healthCheck.enabled is true"]
    assert validate_custom_resource(minimal_cfc(healthCheck={"enabled": True, "endpoint": "https://x/healthz"})) == []
    assert validate_custom_resource(minimal_cfc(healthCheck={"enabled": False})) == []


@pytest.mark.parametrize("check,error", [
    ({"interval": "1s", "timeout": "1s"}, None),
    ({"interval": "1h", "timeout": "60s"}, None),
    ({"timeout": "30s"}, None),
    ({"interval": "500ms"}, "healthCheck.interval must be between 1s and 1h"),
    ({"interval": "61m"}, "healthCheck.interval must be between 1s and 1h"),
    ({"interval": "10s", "timeout": "11s"}, "healthCheck.timeout must be greater than 0, at most 60s and at most the interval"),
    ({"interval": "5m", "timeout": "61s"}, "healthCheck.timeout must be greater than 0, at most 60s and at most the interval"),
    ({"timeout": "31s"}, "healthCheck.timeout must be greater than 0, at most 60s and at most the interval"),
    ({"timeout": "0s"}, "healthCheck.timeout must be greater than 0, at most 60s and at most the interval"),
])
def test_health_check_interval_and_timeout_are_bounded(check: dict, error: str | None) -> None:
    hc = {"enabled": True, "endpoint": "https://x/healthz", **check}
    errors = validate_custom_resource(minimal_cfc(healthCheck=hc))
    if error is None:
        assert errors == []
    else:
        assert f".spec.healthCheck: {error}" in errors, errors


def test_health_check_header_values_cannot_break_the_request_line() -> None:
    hc = {"enabled": True, "endpoint": "https://x/healthz"}
    assert validate_custom_resource(minimal_cfc(healthCheck={**hc, "headers": {"Authorization": "Bearer abc"}})) == []
    for bad in ("a\r\nX-Injected: 1", "a\nb", "a\u0000b"):
        errors = validate_custom_resource(minimal_cfc(healthCheck={**hc, "headers": {"Authorization": bad}}))
        assert errors and "headers" in errors[0], errors
    many = {f"X-H{i}": "v" for i in range(33)}
    assert validate_custom_resource(minimal_cfc(healthCheck={**hc, "headers": many}))


def test_cel_rules_compile_and_run() -> None:
    """Every CRD CEL rule evaluates (cel-python) on a defaulted minimal value."""
    for kind in ("CardanoForgeCluster", "CardanoLeader"):
        for path, node in walk(crd_schema(kind)):
            for rule in node.get("x-kubernetes-validations", []):
                assert cel_eval(rule["rule"], {"self": {"enabled": False}}) in (True, False), f"{kind}{path}"


def test_a_full_status_as_the_aggregator_writes_it_is_valid() -> None:
    obj = minimal_cfc(network={"name": "mainnet", "magic": 764824073}, pool={"id": REAL_POOL_IDS[0]})
    obj["status"] = {
        "phase": "Forging", "effectiveState": "Priority-based", "effectivePriority": 1, "forgingEnabled": True,
        "activeLeader": "bp-0", "reason": "BestEligibleRegion", "message": "region may forge",
        "healthStatus": {"healthy": True, "lastProbeTime": "2026-11-25T05:00:00Z", "consecutiveFailures": 0,
                         "message": "200 OK", "responseTime": "12ms"},
        "reportingPods": [
            {"podName": "bp-0", "phase": "forging", "leader": True, "forging": True, "socketHealthy": True,
             "credentials": "present", "fresh": True, "lastSeen": "2026-11-25T05:00:01.123Z"},
            {"podName": "bp-1", "phase": "error", "fresh": False, "reason": "ReportParseError",
             "message": "annotation is not JSON"},
        ],
        "totalPods": 2, "freshPods": 1, "heartbeat": 2**40, "lastTransition": "2026-11-25T04:59:00+00:00",
        "observedGeneration": 3,
        "conditions": [{"type": "Forging", "status": "True", "reason": "LeaderForging", "message": "",
                        "lastTransitionTime": "2026-11-25T04:59:00Z", "observedGeneration": 3}],
    }
    assert validate_custom_resource(obj) == []
    obj["status"]["conditions"][0]["status"] = "yes"
    assert validate_custom_resource(obj)


def test_predecessor_cardano_leader_with_empty_spec_stays_valid() -> None:
    obj = {"apiVersion": "cardano.io/v1", "kind": "CardanoLeader", "metadata": {"name": "cardano-leader"},
           "spec": {}, "status": {"leaderPod": "bp-0", "forgingEnabled": True,
                                  "lastTransitionTime": "2026-11-25T05:00:00Z"}}
    assert validate_custom_resource(obj) == []
