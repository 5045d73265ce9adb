"""The ValidatingAdmissionPolicy's CEL, evaluated (cel-python) as the API server would.

The policy, matchConditions and variables are taken from the rendered chart, so
what is tested is what gets installed.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from chartkit import NAMESPACE, cel_eval, one, render

MANIFESTS = render("cardano-block-producer", {})
POLICY = one(MANIFESTS, "ValidatingAdmissionPolicy")
BINDING = one(MANIFESTS, "ValidatingAdmissionPolicyBinding")
SERVICE_ACCOUNT = one(MANIFESTS, "ServiceAccount")["metadata"]["name"]
REPORTER = f"system:serviceaccount:{NAMESPACE}:{SERVICE_ACCOUNT}"
REPORT = "cardano.io/forge-report"


def pod(name: str = "forge-cardano-block-producer-0", report: str | None = '{"sequence":1}') -> dict[str, Any]:
    annotations = {"kubectl.kubernetes.io/default-container": "cardano-node"}
    if report is not None:
        annotations[REPORT] = report
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": {"app": "bp"},
                     "annotations": annotations,
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "bp",
                                          "uid": "1", "controller": True}]},
        "spec": {"containers": [{"name": "cardano-node", "image": "cardano-node:10.5.1"}]},
    }


def request(old: dict[str, Any], new: dict[str, Any], *, user: str = REPORTER,
            bound_pod: str | None = "forge-cardano-block-producer-0") -> dict[str, Any]:
    extra = {"authentication.kubernetes.io/pod-name": [bound_pod]} if bound_pod is not None else {}
    return {"request": {"operation": "UPDATE", "name": new["metadata"]["name"], "namespace": NAMESPACE,
                        "userInfo": {"username": user, "groups": ["system:serviceaccounts"], "extra": extra}},
            "object": new, "oldObject": old}


def admit(activation: dict[str, Any]) -> tuple[bool, list[str]]:
    """(admitted, denial messages). Not matching the conditions means not evaluated: admitted."""
    spec = POLICY["spec"]
    if not all(cel_eval(c["expression"], activation) for c in spec["matchConditions"]):
        return True, []
    variables: dict[str, Any] = {}
    for variable in spec["variables"]:
        variables[variable["name"]] = cel_eval(variable["expression"], {**activation, "variables": variables})
    scope = {**activation, "variables": variables}
    denials = []
    for validation in spec["validations"]:
        if not cel_eval(validation["expression"], scope):
            message = (str(cel_eval(validation["messageExpression"], scope)) if "messageExpression" in validation
                       else validation["message"])
            denials.append(message)
    return not denials, denials


def updated(base: dict[str, Any], change) -> dict[str, Any]:
    new = copy.deepcopy(base)
    change(new)
    return new


def test_policy_shape() -> None:
    spec = POLICY["spec"]
    assert POLICY["apiVersion"] == "admissionregistration.k8s.io/v1"
    assert spec["failurePolicy"] == "Fail"
    assert spec["matchConstraints"]["resourceRules"] == [
        {"apiGroups": [""], "apiVersions": ["v1"], "operations": ["UPDATE"], "resources": ["pods"]}]
    assert BINDING["spec"]["policyName"] == POLICY["metadata"]["name"]
    assert BINDING["spec"]["validationActions"] == ["Deny"]
    assert BINDING["spec"]["matchResources"]["namespaceSelector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": NAMESPACE}


def test_reporter_may_update_its_own_report() -> None:
    old = pod()
    new = updated(old, lambda p: p["metadata"]["annotations"].__setitem__(REPORT, '{"sequence":2}'))
    assert admit(request(old, new)) == (True, [])


def test_reporter_may_add_and_remove_its_report() -> None:
    without = pod(report=None)
    with_report = pod()
    assert admit(request(without, with_report))[0]
    assert admit(request(with_report, without))[0]
    bare = updated(without, lambda p: p["metadata"].pop("annotations"))
    assert admit(request(bare, updated(bare, lambda p: p["metadata"].__setitem__("annotations", {REPORT: "{}"}))))[0]


def test_reporter_may_not_touch_another_pod() -> None:
    old = pod("forge-cardano-block-producer-1")
    new = updated(old, lambda p: p["metadata"]["annotations"].__setitem__(REPORT, '{"phase":"forging"}'))
    ok, denials = admit(request(old, new, bound_pod="forge-cardano-block-producer-0"))
    assert not ok and "only modify its own pod" in denials[0]


def test_token_without_pod_binding_is_denied() -> None:
    old = pod()
    new = updated(old, lambda p: p["metadata"]["annotations"].__setitem__(REPORT, "{}"))
    assert not admit(request(old, new, bound_pod=None))[0]
    assert not admit(request(old, new, bound_pod=""))[0]


@pytest.mark.parametrize("what,change", [
    ("other annotation changed",
     lambda p: p["metadata"]["annotations"].__setitem__("kubectl.kubernetes.io/default-container", "x")),
    ("other annotation added", lambda p: p["metadata"]["annotations"].__setitem__("evil", "1")),
    ("other annotation removed", lambda p: p["metadata"]["annotations"].pop("kubectl.kubernetes.io/default-container")),
    ("label changed", lambda p: p["metadata"]["labels"].__setitem__("app", "other")),
    ("label added", lambda p: p["metadata"]["labels"].__setitem__("cardano.io/leader", "true")),
    ("labels removed", lambda p: p["metadata"].pop("labels")),
    ("finalizer added", lambda p: p["metadata"].__setitem__("finalizers", ["x/y"])),
    ("owner removed", lambda p: p["metadata"].pop("ownerReferences")),
    ("image changed", lambda p: p["spec"]["containers"][0].__setitem__("image", "evil:1")),
    ("deadline added", lambda p: p["spec"].__setitem__("activeDeadlineSeconds", 1)),
])
def test_reporter_may_change_nothing_but_its_report(what: str, change) -> None:
    old = pod()
    new = updated(old, change)
    new["metadata"]["annotations"] = new["metadata"].get("annotations", {})
    ok, denials = admit(request(old, new))
    assert not ok, what
    assert all(d.startswith("forge-reporter may") for d in denials)


def test_other_users_are_not_matched() -> None:
    old = pod()
    new = updated(old, lambda p: p["metadata"]["labels"].__setitem__("app", "other"))
    for user in ("system:serviceaccount:other-ns:" + SERVICE_ACCOUNT, "kubernetes-admin",
                 f"system:serviceaccount:{NAMESPACE}:forge-aggregator"):
        assert admit(request(old, new, user=user, bound_pod=None)) == (True, [])
