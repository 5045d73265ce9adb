"""docs/DEPLOYMENT.md's install steps work as written on an empty cluster: every namespace a
command uses is created by an earlier command of the same page (the doc-command runner would
otherwise create it silently), the Secret and ConfigMap the example values name are created,
and the image and node ConfigMap are documented."""

from __future__ import annotations

from pathlib import Path

import yaml

from doccommands import ROOT, commands

DEPLOYMENT = ROOT / "docs" / "DEPLOYMENT.md"


def created_namespace(words: list[str]) -> str | None:
    if words[:3] == ["kubectl", "create", "namespace"] and len(words) > 3:
        return words[3]
    if words[:2] == ["kubectl", "create"] or words[:2] == ["kubectl", "apply"]:
        for i, word in enumerate(words[:-1]):
            if word in ("-f", "--filename"):
                for doc in yaml.safe_load_all((ROOT / words[i + 1]).read_text()):
                    if doc and doc.get("kind") == "Namespace":
                        return doc["metadata"]["name"]
    if words[:1] == ["helm"] and "--create-namespace" in words:
        return namespace_of(words)
    return None


def namespace_of(words: list[str]) -> str | None:
    for i, word in enumerate(words[:-1]):
        if word in ("-n", "--namespace"):
            return words[i + 1]
    return None


def install_steps() -> list[list[str]]:
    text = DEPLOYMENT.read_text()
    section = text.split("## Install, step by step", 1)[1].split("\n## ", 1)[0]
    first_line = text[: text.index("## Install, step by step")].count("\n") + 1
    last_line = first_line + section.count("\n")
    return [c.words for c in commands(DEPLOYMENT) if first_line <= c.line <= last_line]


def test_every_namespace_is_created_before_it_is_used() -> None:
    steps = install_steps()
    assert len(steps) >= 6, steps
    created: set[str] = set()
    for words in steps:
        made = created_namespace(words)
        used = namespace_of(words)
        if used and used != made:
            assert used in created, f"`{' '.join(words)}` uses namespace {used} before a step creates it"
        if made:
            created.add(made)


def test_the_secret_and_configmap_the_example_values_name_are_created() -> None:
    values = yaml.safe_load((ROOT / "examples/single-region/block-producer.values.yaml").read_text())
    steps = [" ".join(words) for words in install_steps()]
    assert any(f"create secret generic {values['forgingKeys']['secretName']}" in s for s in steps)
    assert any(f"create configmap {values['node']['configMap']}" in s for s in steps)
    configmap = next(s for s in steps if "create configmap" in s)
    for name in ("config.json", "topology.json", "shelley-genesis.json"):
        assert f"--from-file={name}" in configmap


def test_the_image_and_the_node_configmap_are_documented() -> None:
    text = DEPLOYMENT.read_text()
    assert "### The image" in text and "docker build" in text
    assert "### The node ConfigMap" in text and "ShelleyGenesisFile" in text
