"""Every alert of the forge-aggregator chart, tested with `promtool test rules`.

The rules are rendered by Helm from the two-region example values (every group of every
PrometheusRule the chart renders, so a group added later is picked up), written to
rules.yaml, checked with `promtool check rules`, then every tests/*.yaml runs against them.
Two rules about the tests themselves:

- every alert must fire (non-empty exp_alerts) in at least one test case;
- tests/healthy-*.yaml are the healthy cases: the harness adds, at each listed eval time,
  a case expecting *no* firing for every alert of the rules (also alerts added later).

The unit tests compare alert labels; the annotations (summaries, descriptions) are left out
of the rules they run against (`rules-labels-only.yaml`), while `promtool check rules`
checks the full rules, annotation templates included.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "chart-checks"))
from chartkit import ROOT, find, render  # noqa: E402

VALUES = yaml.safe_load((ROOT / "examples/two-regions/aggregator-us-east-1.values.yaml").read_text())
TESTS = sorted((HERE / "tests").glob("*.yaml"))


def rule_groups() -> list[dict]:
    values = copy.deepcopy(VALUES)
    values.setdefault("metrics", {}).setdefault("prometheusRule", {})["enabled"] = True
    groups: list[dict] = []
    for rule in find(render("forge-aggregator", values, release="forge-aggregator"), "PrometheusRule"):
        groups.extend(rule["spec"]["groups"])
    return groups


def alert_names(groups: list[dict]) -> list[str]:
    return [r["alert"] for g in groups for r in g["rules"] if "alert" in r]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("alert-rules")
    groups = rule_groups()
    (directory / "rules.yaml").write_text(yaml.safe_dump({"groups": groups}, sort_keys=False))
    bare = copy.deepcopy(groups)
    for group in bare:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    (directory / "rules-labels-only.yaml").write_text(yaml.safe_dump({"groups": bare}, sort_keys=False))
    names = alert_names(groups)
    for path in TESTS:
        test = yaml.safe_load(path.read_text())
        test["rule_files"] = ["rules-labels-only.yaml"]
        if path.name.startswith("healthy-"):
            for case in test["tests"]:
                times = case.pop("silent_at")
                case["alert_rule_test"] = [
                    {"eval_time": t, "alertname": name, "exp_alerts": []} for t in times for name in names]
        (directory / path.name).write_text(yaml.safe_dump(test, sort_keys=False))
    return directory


def test_the_chart_renders_the_pool_and_credential_groups() -> None:
    names = {g["name"] for g in rule_groups()}
    assert "cardano-forge-manager" in names, names
    assert len(alert_names(rule_groups())) >= 9


def test_promtool_accepts_the_rules(workdir: Path) -> None:
    result = subprocess.run(["promtool", "check", "rules", "rules.yaml"], cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_there_is_a_healthy_two_region_case() -> None:
    healthy = [p for p in TESTS if p.name.startswith("healthy-")]
    assert healthy, "tests/healthy-*.yaml missing"
    series = " ".join(s["series"] for p in healthy for t in yaml.safe_load(p.read_text())["tests"] for s in t["input_series"])
    assert 'region="us-east-1"' in series and 'region="eu-west-1"' in series


def test_every_alert_fires_in_some_scenario() -> None:
    fired: set[str] = set()
    for path in TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                if check.get("exp_alerts"):
                    fired.add(check["alertname"])
    missing = [name for name in alert_names(rule_groups()) if name not in fired]
    assert not missing, f"alerts without a firing scenario in ci/alert-rules/tests: {missing}"


@pytest.mark.parametrize("path", TESTS, ids=lambda p: p.name)
def test_promtool_unit_tests_pass(workdir: Path, path: Path) -> None:
    result = subprocess.run(["promtool", "test", "rules", path.name], cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
