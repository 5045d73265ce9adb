"""cardano-block-producer: the pod shape the safety model depends on (ARCHITECTURE.md §3, §4, §8)."""

from __future__ import annotations

from typing import Any

import pytest

from chartkit import ROOT, one, render, find
import yaml

MULTI = yaml.safe_load((ROOT / "examples/two-regions/block-producer-us-east-1.values.yaml").read_text())
POOL = MULTI["pool"]["id"]


def pod_spec(values: dict[str, Any] | None = None) -> dict[str, Any]:
    return one(render("cardano-block-producer", values or MULTI), "StatefulSet")["spec"]["template"]["spec"]


def containers(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in spec["initContainers"] + spec["containers"]}


def env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def mounts(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["name"]: m for m in container.get("volumeMounts", [])}


def test_reporter_and_guard_are_native_sidecars_started_before_the_node() -> None:
    spec = pod_spec()
    assert [c["name"] for c in spec["initContainers"]] == ["forge-reporter", "forge-guard"]
    assert all(c["restartPolicy"] == "Always" for c in spec["initContainers"])
    assert [c["name"] for c in spec["containers"]] == ["cardano-node"]
    guard = containers(spec)["forge-guard"]
    assert guard["command"] == ["/usr/local/bin/forge-reporter", "guard"]
    assert spec["shareProcessNamespace"] is True


def test_node_always_starts_non_producing_with_the_in_memory_keys() -> None:
    spec = pod_spec()
    args = containers(spec)["cardano-node"]["args"]
    assert args[0] == "run" and "--start-as-non-producing-node" in args
    flags = {args[i]: args[i + 1] for i in range(len(args) - 1) if args[i].startswith("--")}
    assert flags["--shelley-kes-key"] == "/opt/cardano/secrets/kes.skey"
    assert flags["--shelley-vrf-key"] == "/opt/cardano/secrets/vrf.skey"
    assert flags["--shelley-operational-certificate"] == "/opt/cardano/secrets/node.cert"
    assert flags["--socket-path"] == "/ipc/node.socket"
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["forging-keys"]["emptyDir"]["medium"] == "Memory"
    assert mounts(containers(spec)["cardano-node"])["forging-keys"]["mountPath"] == "/opt/cardano/secrets"


def test_key_secret_is_mounted_only_into_the_reporter_read_only_0400() -> None:
    spec = pod_spec()
    volumes = {v["name"]: v for v in spec["volumes"]}
    secret_volumes = [name for name, v in volumes.items() if "secret" in v]
    assert secret_volumes == ["forging-keys-source"]
    assert volumes["forging-keys-source"]["secret"]["defaultMode"] == 0o400
    users = [name for name, c in containers(spec).items() if "forging-keys-source" in mounts(c)]
    assert users == ["forge-reporter"]
    assert mounts(containers(spec)["forge-reporter"])["forging-keys-source"]["readOnly"] is True


def test_api_token_is_mounted_only_into_the_reporter() -> None:
    spec = pod_spec()
    assert spec["automountServiceAccountToken"] is False
    users = [name for name, c in containers(spec).items() if "kube-api-access" in mounts(c)]
    assert users == ["forge-reporter"]
    token = mounts(containers(spec)["forge-reporter"])["kube-api-access"]
    assert token["mountPath"] == "/var/run/secrets/kubernetes.io/serviceaccount"


def test_fence_volume_is_in_memory_and_shared_by_reporter_and_guard() -> None:
    spec = pod_spec()
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["fence"]["emptyDir"]["medium"] == "Memory"
    users = {name: mounts(c)["fence"]["mountPath"] for name, c in containers(spec).items() if "fence" in mounts(c)}
    assert users == {"forge-reporter": "/run/forge", "forge-guard": "/run/forge"}
    assert env(containers(spec)["forge-reporter"])["FENCE_FILE"] == "/run/forge/fence"
    assert env(containers(spec)["forge-guard"])["FENCE_FILE"] == "/run/forge/fence"
    # The guard's heartbeat: written by the guard only, read by the reporter; both name it.
    assert volumes["guard-heartbeat"]["emptyDir"]["medium"] == "Memory"
    heartbeat = {name: mounts(c)["guard-heartbeat"].get("readOnly", False)
                 for name, c in containers(spec).items() if "guard-heartbeat" in mounts(c)}
    assert heartbeat == {"forge-reporter": True, "forge-guard": False}
    assert mounts(containers(spec)["forge-guard"])["fence"]["readOnly"] is True
    for name in ("forge-reporter", "forge-guard"):
        assert env(containers(spec)[name])["GUARD_HEARTBEAT_FILE"] == "/run/forge-guard/heartbeat"
        assert env(containers(spec)[name])["GUARD_STALENESS"] == "5"
    ipc_users = sorted(name for name, c in containers(spec).items() if "ipc" in mounts(c))
    assert ipc_users == ["cardano-node", "forge-guard", "forge-reporter"]


def test_reporter_probes() -> None:
    reporter = containers(pod_spec())["forge-reporter"]
    port = reporter["ports"][0]
    assert (port["name"], port["containerPort"]) == ("metrics", 8000)
    assert reporter["startupProbe"]["httpGet"] == {"path": "/startup-status", "port": "metrics"}
    assert reporter["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert reporter["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}


def test_guard_has_a_liveness_probe_on_its_heartbeat() -> None:
    guard = containers(pod_spec())["forge-guard"]
    assert guard["livenessProbe"]["exec"]["command"] == ["/usr/local/bin/forge-reporter", "guard", "--probe"]


def test_reporter_environment_uses_the_predecessor_names() -> None:
    e = env(containers(pod_spec())["forge-reporter"])
    assert e["NAMESPACE"] == {"fieldRef": {"fieldPath": "metadata.namespace"}}
    assert e["POD_NAME"] == {"fieldRef": {"fieldPath": "metadata.name"}}
    assert e["POD_UID"] == {"fieldRef": {"fieldPath": "metadata.uid"}}  # election identity <name>_<uid>
    assert e["NODE_SOCKET"] == "/ipc/node.socket"
    assert (e["SOURCE_KES_KEY"], e["SOURCE_VRF_KEY"], e["SOURCE_OP_CERT"]) == (
        "/secrets/kes.skey", "/secrets/vrf.skey", "/secrets/node.cert")
    assert (e["TARGET_KES_KEY"], e["TARGET_VRF_KEY"], e["TARGET_OP_CERT"]) == (
        "/opt/cardano/secrets/kes.skey", "/opt/cardano/secrets/vrf.skey", "/opt/cardano/secrets/node.cert")
    assert (e["LEASE_DURATION"], e["RENEW_DEADLINE"], e["RETRY_PERIOD"], e["RENEW_INTERVAL"]) == ("15", "10", "2", "5")
    assert (e["SLEEP_INTERVAL"], e["METRICS_PORT"], e["SOCKET_WAIT_TIMEOUT"], e["REPORT_HEARTBEAT"]) == (
        "5", "8000", "600", "60")
    assert (e["CARDANO_NETWORK"], e["NETWORK_MAGIC"], e["POOL_ID"], e["POOL_TICKER"]) == (
        "mainnet", "764824073", POOL, "ALPHA")
    assert (e["ENABLE_CLUSTER_MANAGEMENT"], e["CLUSTER_REGION"], e["CLUSTER_PRIORITY"]) == ("true", "us-east-1", "1")
    assert e["CARDANO_NODE_PROCESS_NAME"] == "cardano-node"
    assert (e["CRD_GROUP"], e["CRD_VERSION"], e["CRD_PLURAL"]) == ("cardano.io", "v1", "cardanoleaders")


@pytest.mark.parametrize("pool_id,lease", [
    ("pool1736syfjv9yzcstt7awcmckfr72x00u6dh68anzlyzzhu5gsjr55", "cardano-leader-mainnet-pool1736sy"),
    ("F47502264C2905882D7EEBB1BC5923F28CF7F34DBE8FD98BE410AFCA", "cardano-leader-mainnet-f4750226"),
])
def test_names_follow_resource_names(pool_id: str, lease: str) -> None:
    values = {**MULTI, "pool": {"id": pool_id}}
    manifests = render("cardano-block-producer", values)
    reporter = containers(one(manifests, "StatefulSet")["spec"]["template"]["spec"])["forge-reporter"]
    assert env(reporter)["LEASE_NAME"] == lease
    assert one(manifests, "CardanoLeader")["metadata"]["name"] == lease
    cfc = one(manifests, "CardanoForgeCluster")
    assert cfc["metadata"]["name"] == lease.replace("cardano-leader-", "") + "-us-east-1"
    assert "status" not in cfc


def test_single_tenant_keeps_the_legacy_lease_and_creates_no_forge_cluster() -> None:
    manifests = render("cardano-block-producer", {})
    reporter = containers(one(manifests, "StatefulSet")["spec"]["template"]["spec"])["forge-reporter"]
    assert env(reporter)["LEASE_NAME"] == "cardano-node-leader"
    assert env(reporter)["ENABLE_CLUSTER_MANAGEMENT"] == "false"
    assert "POOL_ID" not in env(reporter)
    assert find(manifests, "CardanoForgeCluster") == []
    assert one(manifests, "CardanoLeader")["metadata"]["name"] == "cardano-node-leader"


def test_forge_cluster_spec_comes_from_values() -> None:
    cfc = one(render("cardano-block-producer", MULTI), "CardanoForgeCluster")["spec"]
    assert (cfc["region"], cfc["priority"], cfc["forgeState"]) == ("us-east-1", 1, "Priority-based")
    assert cfc["healthCheck"] == {"enabled": True, "endpoint": MULTI["cluster"]["healthCheck"]["endpoint"],
                                  "interval": "15s", "timeout": "5s", "failureThreshold": 3}
    sts = one(render("cardano-block-producer", MULTI), "StatefulSet")
    assert cfc["podSelector"]["matchLabels"] == sts["spec"]["selector"]["matchLabels"]


def test_all_containers_share_one_non_root_uid_and_drop_capabilities() -> None:
    spec = pod_spec()
    security = spec["securityContext"]
    assert security["runAsNonRoot"] is True and security["runAsUser"] == 10001
    assert security["fsGroupChangePolicy"] == "OnRootMismatch"
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}
    for name, container in containers(spec).items():
        sc = container["securityContext"]
        assert sc["capabilities"] == {"drop": ["ALL"]}, name
        assert sc["allowPrivilegeEscalation"] is False, name
        assert sc["readOnlyRootFilesystem"] is True, name
        assert "runAsUser" not in sc, f"{name} must not override the shared UID"


def test_pdb_and_anti_affinity() -> None:
    manifests = render("cardano-block-producer", MULTI)
    assert one(manifests, "PodDisruptionBudget")["spec"]["maxUnavailable"] == 1
    affinity = one(manifests, "StatefulSet")["spec"]["template"]["spec"]["affinity"]
    term = affinity["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"]
    assert term["topologyKey"] == "kubernetes.io/hostname"
