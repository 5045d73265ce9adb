"""Bad values fail at install (values.schema.json or template checks) with a clear message."""

from __future__ import annotations

from typing import Any

import pytest

from chartkit import render_error

POOL = "pool1736syfjv9yzcstt7awcmckfr72x00u6dh68anzlyzzhu5gsjr55"
MANAGED = {"pool": {"id": POOL}, "cluster": {"management": True, "region": "us-east-1"}}


@pytest.mark.parametrize("values,expected", [
    ({"pool": {"id": "pool1test123"}}, "/pool/id"),
    ({"pool": {"ticker": "toolong"}}, "/pool/ticker"),
    ({"network": {"name": "Main Net"}}, "/network/name"),
    ({"replicas": 0}, "/replicas"),
    ({"cluster": {"priority": 1000}}, "/cluster/priority"),
    ({"cluster": {"forgeState": "On"}}, "/cluster/forgeState"),
    ({"cluster": {"gracePeriod": "90"}}, "/cluster/gracePeriod"),
    ({"cluster": {"management": True}}, "/cluster/region"),
    ({"cluster": {"healthCheck": {"enabled": True}}}, "endpoint"),
    ({"node": {"extraArgs": ["--shelley-kes-key", "/tmp/k"]}}, "/node/extraArgs/0"),
    ({"forgingKeys": {"secretName": ""}}, "/forgingKeys/secretName"),
    ({"unknownKey": 1}, "additional properties 'unknownKey' not allowed"),
    ({"cluster": {"management": True, "region": "us-east-1"}}, "pool.id is empty"),
    ({"leaderElection": {"leaseDuration": 10, "renewDeadline": 10, "retryPeriod": 2}},
     "renewDeadline (10) must be less than leaderElection.leaseDuration (10)"),
    ({"leaderElection": {"leaseDuration": 15, "renewDeadline": 10, "retryPeriod": 10}},
     "retryPeriod (10) must be less than leaderElection.renewDeadline (10)"),
    ({"leaderElection": {"leaseDuration": 11, "renewDeadline": 10, "retryPeriod": 2}},
     "renewDeadline (10) must be at least 2 seconds less than leaderElection.leaseDuration (11)"),
    ({"leaderElection": {"leaseDuration": 15, "renewDeadline": 10, "retryPeriod": 2, "renewInterval": 8}},
     "renewInterval (8) + leaderElection.retryPeriod (2) must be less than leaderElection.renewDeadline (10)"),
    ({"leaderElection": {"renewInterval": 0}}, "/leaderElection/renewInterval"),
])
def test_block_producer_rejects(values: dict[str, Any], expected: str) -> None:
    message = render_error("cardano-block-producer", values)
    assert expected in message, message or "values were accepted"


@pytest.mark.parametrize("values", [
    {},
    MANAGED,
    {"pool": {"id": "F47502264C2905882D7EEBB1BC5923F28CF7F34DBE8FD98BE410AFCA", "ticker": "A1"}},
    {**MANAGED, "cluster": {**MANAGED["cluster"], "healthCheck": {"enabled": True, "endpoint": "http://h:8080/x"}}},
])
def test_block_producer_accepts(values: dict[str, Any]) -> None:
    assert render_error("cardano-block-producer", values) == ""


@pytest.mark.parametrize("values,expected", [
    ({}, "region"),
    ({"region": "US East"}, "/region"),
    ({"region": "us-east-1", "leaderElection": {"enabled": False, "leaseDuration": 15, "renewDeadline": 10,
                                                 "retryPeriod": 2}},
     "additional properties 'enabled' not allowed"),
    ({"region": "us-east-1", "leaderElection": {"leaseDuration": 15, "renewDeadline": 15, "retryPeriod": 2}},
     "renewDeadline (15) must be less than leaderElection.leaseDuration (15)"),
    ({"region": "us-east-1", "coordination": {"peerTimeout": 35}},
     "coordination.peerTimeout (35) must exceed the peers' fence time"),
    ({"region": "us-east-1", "metrics": {"prometheusRule": {"noForgerFor": "1 minute"}}},
     "/metrics/prometheusRule/noForgerFor"),
    ({"region": "us-east-1", "peerKubeconfigSecrets": ["Bad_Name"]}, "/peerKubeconfigSecrets/0"),
])
def test_aggregator_rejects(values: dict[str, Any], expected: str) -> None:
    message = render_error("forge-aggregator", values)
    assert expected in message, message or "values were accepted"


def test_crd_chart_takes_no_values() -> None:
    assert "additional properties" in render_error("cardano-forge-crds", {"crds": {"install": True}})
