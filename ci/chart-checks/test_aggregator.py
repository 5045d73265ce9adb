"""forge-aggregator chart: HA, probes, hardening, environment, monitoring."""

from __future__ import annotations

import yaml

from chartkit import ROOT, find, one, render

VALUES = yaml.safe_load((ROOT / "examples/two-regions/aggregator-us-east-1.values.yaml").read_text())


def deployment(values=None):
    return one(render("forge-aggregator", values or VALUES), "Deployment")


def test_two_leader_elected_replicas_spread_over_nodes() -> None:
    d = deployment()
    assert d["spec"]["replicas"] == 2
    assert d["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 0, "maxUnavailable": 1}
    term = d["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"][
        "preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"]
    assert term["topologyKey"] == "kubernetes.io/hostname"
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in d["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert "LEADER_ELECTION" not in env and "LEASE_NAME" not in env  # flags, not environment
    assert env["POD_SELECTOR"] == "app.kubernetes.io/component=block-producer"
    assert env["NAMESPACE"] == {"fieldRef": {"fieldPath": "metadata.namespace"}}
    assert env["POD_NAME"] == {"fieldRef": {"fieldPath": "metadata.name"}}
    assert env["CLUSTER_REGION"] == "us-east-1" and env["METRICS_PORT"] == "8080"
    assert one(render("forge-aggregator", VALUES), "PodDisruptionBudget")["spec"]["minAvailable"] == 1


def test_probes_and_port() -> None:
    c = deployment()["spec"]["template"]["spec"]["containers"][0]
    assert c["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert c["resources"]["requests"] == {"cpu": "20m", "memory": "40Mi"}


def test_hardening() -> None:
    spec = deployment()["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] == 10001
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    sc = spec["containers"][0]["securityContext"]
    assert sc == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}}


def flags(args: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for flag, value in zip(args[::2], args[1::2]):
        assert flag.startswith("--"), args
        out.setdefault(flag, []).append(value)
    return out


def test_election_and_coordination_flags() -> None:
    args = flags(deployment()["spec"]["template"]["spec"]["containers"][0]["args"])
    assert args["--lease-name"] == ["forge-aggregator-us-east-1"]
    assert (args["--lease-duration"], args["--renew-deadline"], args["--retry-period"]) == (["15s"], ["10s"], ["2s"])
    assert (args["--heartbeat-interval"], args["--peer-timeout"], args["--peer-lease-duration"]) == (
        ["10s"], ["60s"], ["15s"])
    assert (args["--peer-status-staleness"], args["--peer-sleep-interval"]) == (["30s"], ["5s"])
    assert args["--healthy-after"] == ["1"]
    role = next(m for m in render("forge-aggregator", VALUES)
                if m["kind"] == "Role" and m["metadata"]["name"] == "forge-forge-aggregator")
    assert [r["resourceNames"] for r in role["rules"] if r.get("resourceNames")] == [["forge-aggregator-us-east-1"]]


def test_legacy_cardano_leader_name_is_passed_as_crd_name() -> None:
    c = deployment({"region": "local", "legacyCardanoLeaderName": "cardano-leader"})["spec"]["template"]["spec"][
        "containers"][0]
    assert {"name": "CRD_NAME", "value": "cardano-leader"} in c["env"]


def test_peer_kubeconfigs_are_mounted_and_passed() -> None:
    spec = deployment()["spec"]["template"]["spec"]
    c = spec["containers"][0]
    assert flags(c["args"])["--peer-kubeconfig"] == ["/etc/forge/peers/peer-eu-west-1/kubeconfig"]
    assert spec["volumes"][0]["secret"]["secretName"] == "peer-eu-west-1"
    assert c["volumeMounts"][0]["mountPath"] == "/etc/forge/peers/peer-eu-west-1"


def test_alerts() -> None:
    rule = one(render("forge-aggregator", VALUES), "PrometheusRule")
    alerts = {r["alert"]: r for r in rule["spec"]["groups"][0]["rules"]}
    # Pool-wide views, and the regions' own forgers summed for a global Prometheus
    # (ci/alert-rules tests the behaviour with promtool).
    assert "cardano_pool_forging_pods) > 1" in alerts["CardanoMultipleForgers"]["expr"]
    assert "cardano_cluster_active_forgers)) > 1" in alerts["CardanoMultipleForgers"]["expr"]
    assert alerts["CardanoNoForger"]["for"] == "60s"
    assert 'fresh="false"' in alerts["CardanoStaleForgeReports"]["expr"]
    assert "cardano_cluster_health_check_success" in alerts["CardanoHealthCheckFailing"]["expr"]
    assert one(render("forge-aggregator", VALUES), "ServiceMonitor")["spec"]["endpoints"][0]["port"] == "http"


def test_monitoring_objects_are_optional() -> None:
    manifests = render("forge-aggregator", {"region": "eu-west-1"})
    assert find(manifests, "PrometheusRule") == [] and find(manifests, "ServiceMonitor") == []


def test_peer_reader_token_belongs_to_the_read_only_account() -> None:
    manifests = render("forge-aggregator", VALUES)
    secret = one(manifests, "Secret", "peer-reader-token")
    account = one(manifests, "ServiceAccount", "peer-reader")
    assert secret["type"] == "kubernetes.io/service-account-token"
    assert secret["metadata"]["annotations"]["kubernetes.io/service-account.name"] == account["metadata"]["name"]


def test_peer_kubeconfig_is_readable_by_the_non_root_user() -> None:
    # The container runs as 10001; a Secret volume is owned by root. Without fsGroup and a
    # group-readable mode the aggregator cannot open its peer kubeconfig (issue #9, hole 9).
    spec = deployment()["spec"]["template"]["spec"]
    assert spec["securityContext"]["fsGroup"] == spec["securityContext"]["runAsGroup"] == 10001
    volume = spec["volumes"][0]["secret"]
    mode = volume["defaultMode"]
    assert mode & 0o040, f"defaultMode {oct(mode)} is not readable by the group"
    assert mode & 0o007 == 0 and mode & 0o222 == 0, f"defaultMode {oct(mode)}: others may read or someone may write"
