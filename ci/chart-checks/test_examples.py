"""Example custom resources are valid against the CRDs; example pool ids are real bech32."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from chartkit import EXAMPLES, ROOT, example_manifest_files, load_yaml_docs, validate_custom_resource

BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_checksum_ok(text: str) -> bool:
    """BIP-173 checksum (constant 1), as Cardano uses for pool ids."""
    hrp, _, data = text.rpartition("1")
    generators = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    check = 1
    for value in [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + [BECH32.index(c) for c in data]:
        top = check >> 25
        check = ((check & 0x1FFFFFF) << 5) ^ value
        for i in range(5):
            check ^= generators[i] if (top >> i) & 1 else 0
    return check == 1


def test_there_are_manifest_examples() -> None:
    assert len(example_manifest_files()) >= 2


@pytest.mark.parametrize("path", example_manifest_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_example_custom_resources_match_the_crd(path: Path) -> None:
    for doc in load_yaml_docs(path):
        if doc["apiVersion"] == "v1" and doc["kind"] == "Namespace":
            continue  # the install steps' namespace (docs/DEPLOYMENT.md)
        assert doc["apiVersion"] == "cardano.io/v1", f"{path}: only cardano.io examples expected here"
        assert validate_custom_resource(doc) == []


def test_maintenance_override_has_an_expiry() -> None:
    (doc,) = load_yaml_docs(EXAMPLES / "maintenance-override/cardanoforgecluster.yaml")
    override = doc["spec"]["override"]
    assert override["enabled"] and override["forceState"] == "Disabled" and override["expiresAt"]


def test_example_pool_ids_have_valid_bech32_checksums() -> None:
    ids = set()
    for path in EXAMPLES.rglob("*.yaml"):
        ids |= set(re.findall(r"pool1[%s]{51}" % BECH32, path.read_text()))
    assert len(ids) >= 2
    for pool_id in ids:
        assert bech32_checksum_ok(pool_id), pool_id


def test_two_region_example_uses_priorities_1_and_2_with_health_checks() -> None:
    regions = {}
    for path in (EXAMPLES / "two-regions").glob("block-producer-*.values.yaml"):
        values = yaml.safe_load(path.read_text())
        regions[values["cluster"]["region"]] = values["cluster"]
        assert values["cluster"]["healthCheck"]["enabled"] is True
    assert {r: c["priority"] for r, c in regions.items()} == {"us-east-1": 1, "eu-west-1": 2}
