"""CRDs: dynamic serving, schema validation/defaults/pruning, status subresource, generation."""


import pytest

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.io"},
    "spec": {
        "group": "example.io", "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"],
                  "categories": ["all"]},
        "versions": [{
            "name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
            "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
                                         {"name": "Phase", "type": "string", "jsonPath": ".status.phase"}],
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                "spec": {"type": "object", "required": ["color"], "properties": {
                    "color": {"type": "string", "enum": ["red", "blue"]},
                    "size": {"type": "integer", "minimum": 1, "maximum": 10, "default": 5},
                    "tag": {"type": "string", "pattern": "^[a-z]+$"}}},
                "status": {"type": "object", "properties": {"phase": {"type": "string"}}}}}},
        }],
    },
}
WIDGETS = "/apis/example.io/v1/namespaces/default/widgets"


@pytest.fixture(scope="module")
def crd(emu):
    status, body, _ = emu.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CRD)
    assert status == 201, body
    return body


def test_crd_is_served_and_discoverable(emu, crd):
    status, body, _ = emu.request("GET", "/apis/example.io/v1")
    assert status == 200
    widgets = next(r for r in body["resources"] if r["name"] == "widgets")
    assert widgets["shortNames"] == ["wd"] and widgets["namespaced"] and widgets["kind"] == "Widget"
    assert any(r["name"] == "widgets/status" for r in body["resources"])
    assert any(g["name"] == "example.io" for g in emu.request("GET", "/apis")[1]["groups"])


def test_schema_defaults_pruning_and_validation(emu, crd):
    widget = {"apiVersion": "example.io/v1", "kind": "Widget", "metadata": {"name": "w1"},
              "spec": {"color": "red", "unknown": 1}, "status": {"phase": "ignored"}}
    status, body, _ = emu.request("POST", WIDGETS, widget)
    assert status == 201, body
    assert body["spec"] == {"color": "red", "size": 5}  # defaulted, pruned
    assert "status" not in body and body["metadata"]["generation"] == 1
    bad = {"metadata": {"name": "w2"}, "spec": {"color": "green", "size": 11, "tag": "A"}}
    status, body, _ = emu.request("POST", WIDGETS, bad)
    assert status == 422
    fields = sorted(c["field"] for c in body["details"]["causes"])
    assert fields == ["spec.color", "spec.size", "spec.tag"]
    status, body, _ = emu.request("POST", WIDGETS, {"metadata": {"name": "w3"}, "spec": {"size": "big"}})
    assert status == 422 and {c["field"] for c in body["details"]["causes"]} == {"spec.color", "spec.size"}


def test_status_subresource_and_generation(emu, crd):
    merge = "application/merge-patch+json"
    status, body, _ = emu.request("PATCH", WIDGETS + "/w1/status", {"status": {"phase": "Ready"}, "spec": {"size": 9}},
                                  content_type=merge)
    assert status == 200 and body["status"] == {"phase": "Ready"} and body["spec"]["size"] == 5
    assert body["metadata"]["generation"] == 1
    status, body, _ = emu.request("PATCH", WIDGETS + "/w1", {"status": {"phase": "X"}, "spec": {"size": 7}},
                                  content_type=merge)
    assert body["status"] == {"phase": "Ready"} and body["spec"]["size"] == 7
    assert body["metadata"]["generation"] == 2
    status, body, _ = emu.request("PATCH", WIDGETS + "/w1", {"metadata": {"labels": {"a": "b"}}}, content_type=merge)
    assert body["metadata"]["generation"] == 2
    # Custom resources require a resourceVersion on PUT and reject strategic merge patch.
    put = {"apiVersion": "example.io/v1", "kind": "Widget", "metadata": {"name": "w1"}, "spec": {"color": "blue"}}
    assert emu.request("PUT", WIDGETS + "/w1", put)[0] == 422
    status, body, _ = emu.request("PATCH", WIDGETS + "/w1", {}, content_type="application/strategic-merge-patch+json")
    assert status == 415
    accept = "application/json;as=Table;v=v1;g=meta.k8s.io"
    status, table, _ = emu.request("GET", WIDGETS, headers={"Accept": accept})
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Size", "Phase"]
    assert table["rows"][0]["cells"] == ["w1", 7, "Ready"]


def test_merge_patch_with_resource_version_is_a_precondition(emu, crd):
    """A merge patch carrying metadata.resourceVersion succeeds only against that version
    (the API server's optimistic concurrency): a delayed status write from a replaced writer
    is refused with 409 instead of overwriting what was written since."""
    merge = "application/merge-patch+json"
    widget = {"apiVersion": "example.io/v1", "kind": "Widget", "metadata": {"name": "rv"}, "spec": {"color": "red"}}
    status, created, _ = emu.request("POST", WIDGETS, widget)
    assert status == 201, created
    observed = created["metadata"]["resourceVersion"]
    status, first, _ = emu.request("PATCH", WIDGETS + "/rv/status",
                                   {"metadata": {"resourceVersion": observed}, "status": {"phase": "On"}},
                                   content_type=merge)
    assert status == 200 and first["status"] == {"phase": "On"}
    assert int(first["metadata"]["resourceVersion"]) > int(observed)
    # The same observed version again (the object changed since): refused, nothing written.
    status, body, _ = emu.request("PATCH", WIDGETS + "/rv/status",
                                  {"metadata": {"resourceVersion": observed}, "status": {"phase": "Stale"}},
                                  content_type=merge)
    assert (status, body["reason"]) == (409, "Conflict"), body
    assert emu.request("GET", WIDGETS + "/rv")[1]["status"] == {"phase": "On"}
    # Also on the main resource; without a resourceVersion a merge patch is unconditional.
    status, body, _ = emu.request("PATCH", WIDGETS + "/rv", {"metadata": {"resourceVersion": observed, "labels": {"a": "b"}}},
                                  content_type=merge)
    assert status == 409
    status, body, _ = emu.request("PATCH", WIDGETS + "/rv/status", {"status": {"phase": "Off"}}, content_type=merge)
    assert status == 200 and body["status"] == {"phase": "Off"}


def test_deleting_the_crd_removes_the_resource(emu, crd):
    status, body, _ = emu.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.io")
    assert status == 200
    assert emu.request("GET", WIDGETS)[0] == 404



def test_many_pods(emu):
    """Ten thousand pods (as the benchmark loads) are all created and listed. The durations
    are printed, not asserted: speed targets live in the benchmark scripts."""
    import json
    import time
    conn = emu.connection()
    headers = {"Authorization": f"Bearer {emu.token}", "Content-Type": "application/json"}
    started = time.monotonic()
    for i in range(10000):
        body = {"metadata": {"name": f"bulk-{i}", "labels": {"bulk": "yes"}},
                "spec": {"containers": [{"name": "c", "image": "x"}]}}
        conn.request("POST", "/api/v1/namespaces/default/pods", body=json.dumps(body), headers=headers)
        response = conn.getresponse()
        response.read()
        assert response.status == 201
    created = time.monotonic() - started
    started = time.monotonic()
    status, body, _ = emu.request("GET", "/api/v1/namespaces/default/pods?labelSelector=bulk%3Dyes")
    listed = time.monotonic() - started
    assert status == 200
    assert sorted(item["metadata"]["name"] for item in body["items"]) == sorted(f"bulk-{i}" for i in range(10000))
    print(f"created 10000 pods in {created:.2f}s, listed in {listed:.3f}s")
