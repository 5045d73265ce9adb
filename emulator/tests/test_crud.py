"""REST verbs, errors and selectors against a real emulator process."""

from conftest import LEASES, PODS, lease, pod


def test_ready_and_401_without_token(emu):
    # Startup speed is a benchmark figure, not a pass/fail bound (the machine may be loaded).
    print(f"emulator ready after {emu.startup_seconds:.3f}s")
    assert emu.ready["ready"] is True and emu.port > 0
    status, body, _ = emu.request("GET", LEASES, token=None)
    assert status == 401
    assert body == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": "Unauthorized", "reason": "Unauthorized", "code": 401}
    assert emu.request("GET", LEASES, token="wrong")[0] == 401


def test_lease_crud_and_conflicts(emu):
    status, created, _ = emu.request("POST", LEASES, lease("crud"))
    assert status == 201
    meta = created["metadata"]
    assert meta["uid"] and meta["creationTimestamp"].endswith("Z") and meta["resourceVersion"].isdigit()
    assert "generation" not in meta
    status, body, _ = emu.request("POST", LEASES, lease("crud"))
    assert (status, body["reason"]) == (409, "AlreadyExists")
    assert body["message"] == 'leases.coordination.k8s.io "crud" already exists'

    stale = lease("crud", resourceVersion="1")
    status, body, _ = emu.request("PUT", LEASES + "/crud", stale)
    assert (status, body["reason"]) == (409, "Conflict")
    assert body["message"] == ('Operation cannot be fulfilled on leases.coordination.k8s.io "crud": the object '
                               'has been modified; please apply your changes to the latest version and try again')
    assert body["details"] == {"name": "crud", "group": "coordination.k8s.io", "kind": "leases"}

    # Leases do not allow unconditional updates (leaseStrategy.AllowUnconditionalUpdate is false).
    status, body, _ = emu.request("PUT", LEASES + "/crud", lease("crud", holder="b"))
    assert (status, body["reason"]) == (422, "Invalid")

    fresh = lease("crud", holder="b", resourceVersion=meta["resourceVersion"])
    status, updated, _ = emu.request("PUT", LEASES + "/crud", fresh)
    assert status == 200 and updated["spec"]["holderIdentity"] == "b"
    assert int(updated["metadata"]["resourceVersion"]) > int(meta["resourceVersion"])

    # An identical PUT is a no-op: same resourceVersion.
    same = dict(updated)
    status, again, _ = emu.request("PUT", LEASES + "/crud", same)
    assert status == 200 and again["metadata"]["resourceVersion"] == updated["metadata"]["resourceVersion"]

    status, patched, _ = emu.request("PATCH", LEASES + "/crud", {"spec": {"holderIdentity": None}},
                                     content_type="application/merge-patch+json")
    assert status == 200 and "holderIdentity" not in patched["spec"]

    ops = [{"op": "test", "path": "/spec/leaseDurationSeconds", "value": 99}]
    status, body, _ = emu.request("PATCH", LEASES + "/crud", ops, content_type="application/json-patch+json")
    assert (status, body["kind"]) == (422, "Status")
    ops = [{"op": "test", "path": "/spec/leaseDurationSeconds", "value": 15},
           {"op": "add", "path": "/spec/holderIdentity", "value": "c"}]
    status, body, _ = emu.request("PATCH", LEASES + "/crud", ops, content_type="application/json-patch+json")
    assert status == 200 and body["spec"]["holderIdentity"] == "c"
    status, body, _ = emu.request("PATCH", LEASES + "/crud", {"spec": {"holderIdentity": "d"}},
                                  content_type="application/strategic-merge-patch+json")
    assert status == 200 and body["spec"]["holderIdentity"] == "d"
    status, body, _ = emu.request("PATCH", LEASES + "/crud", {}, content_type="text/plain")
    assert (status, body["reason"]) == (415, "UnsupportedMediaType")

    status, body, _ = emu.request("DELETE", LEASES + "/crud", {"preconditions": {"uid": "nope"}})
    assert (status, body["reason"]) == (409, "Conflict")
    status, body, _ = emu.request("DELETE", LEASES + "/crud")
    assert status == 200 and body["status"] == "Success" and body["details"]["name"] == "crud"
    status, body, _ = emu.request("GET", LEASES + "/crud")
    assert (status, body["reason"], body["message"]) == (404, "NotFound",
                                                         'leases.coordination.k8s.io "crud" not found')


def test_lease_microtime_is_normalised_and_strict(emu):
    body = lease("times")
    body["spec"]["renewTime"] = "2026-01-01T01:00:00.123456+01:00"
    status, created, _ = emu.request("POST", LEASES, body)
    assert status == 201 and created["spec"]["renewTime"] == "2026-01-01T00:00:00.123456Z"
    body = lease("times2")
    body["spec"]["renewTime"] = "2026-01-01T00:00:00Z"  # not MicroTime: the real server rejects it
    assert emu.request("POST", LEASES, body)[0] == 400


def test_bad_input(emu):
    status, body, _ = emu.request("POST", LEASES, b"{not json")
    assert (status, body["reason"]) == (400, "BadRequest")
    status, body, _ = emu.request("POST", LEASES, {"metadata": {}})
    assert (status, body["reason"]) == (422, "Invalid")
    assert body["details"]["causes"][0]["field"] == "metadata.name"
    status, body, _ = emu.request("POST", LEASES, {"metadata": {"name": "Bad_Name"}})
    assert status == 422
    status, body, _ = emu.request("PUT", LEASES, lease("x"))
    assert (status, body["reason"]) == (405, "MethodNotAllowed")
    assert emu.request("GET", "/apis/coordination.k8s.io/v1/namespaces/default/nothings")[0] == 404
    assert emu.request("GET", "/nowhere")[0] == 404
    status, body, _ = emu.request("POST", "/apis/coordination.k8s.io/v1/namespaces/missing/leases", lease("x"))
    assert (status, body["message"]) == (404, 'namespaces "missing" not found')
    status, body, _ = emu.request("GET", LEASES + "?labelSelector=a%20in%20(")
    assert (status, body["reason"]) == (400, "BadRequest")
    status, body, _ = emu.request("GET", LEASES + "?fieldSelector=spec.holderIdentity%3Dx")
    assert (status, body["message"]) == (400, "field label not supported: spec.holderIdentity")


def test_generate_name_and_pod_status_semantics(emu):
    body = pod("")
    del body["metadata"]["name"]
    body["metadata"]["generateName"] = "gen-"
    body["status"] = {"phase": "Running"}
    status, created, _ = emu.request("POST", PODS, body)
    assert status == 201 and created["metadata"]["name"].startswith("gen-") and len(created["metadata"]["name"]) == 9
    assert created["status"] == {"phase": "Pending"}  # the pod registry resets status on create
    name = created["metadata"]["name"]
    status, patched, _ = emu.request("PATCH", f"{PODS}/{name}/status", {"status": {"phase": "Running"}},
                                     content_type="application/merge-patch+json")
    assert status == 200 and patched["status"]["phase"] == "Running"
    status, patched, _ = emu.request("PATCH", f"{PODS}/{name}", {"status": {"phase": "Failed"},
                                                                   "metadata": {"labels": {"a": "b"}}},
                                     content_type="application/merge-patch+json")
    assert patched["status"]["phase"] == "Running" and patched["metadata"]["labels"] == {"a": "b"}
    status, body, _ = emu.request("POST", PODS, {"metadata": {"name": "nospec"}})
    assert status == 422


def test_selectors_and_consistent_pagination(emu):
    for i in range(7):
        labels = {"app": "sel", "idx": str(i)}
        if i % 2:
            labels["odd"] = "yes"
        assert emu.request("POST", PODS, pod(f"sel-{i}", labels, node=f"n{i % 3}"))[0] == 201

    def names(query):
        status, body, _ = emu.request("GET", f"{PODS}?{query}")
        assert status == 200, body
        return sorted(item["metadata"]["name"] for item in body["items"])

    assert names("labelSelector=app%3Dsel,odd") == ["sel-1", "sel-3", "sel-5"]
    assert names("labelSelector=app%3D%3Dsel,!odd,idx!%3D0") == ["sel-2", "sel-4", "sel-6"]
    assert names("labelSelector=idx%20in%20(1,2),app") == ["sel-1", "sel-2"]
    assert names("labelSelector=app%3Dsel,idx%20notin%20(0,1,2,3,4)") == ["sel-5", "sel-6"]
    assert names("fieldSelector=metadata.name%3Dsel-3") == ["sel-3"]
    assert names("labelSelector=app%3Dsel&fieldSelector=spec.nodeName%3Dn1") == ["sel-1", "sel-4"]

    status, first, _ = emu.request("GET", f"{PODS}?labelSelector=app%3Dsel&limit=3")
    assert len(first["items"]) == 3 and first["metadata"]["continue"]
    # A write between pages must not show up: pages come from one snapshot.
    emu.request("DELETE", f"{PODS}/sel-6")
    seen = [i["metadata"]["name"] for i in first["items"]]
    token = first["metadata"]["continue"]
    while token:
        status, page, _ = emu.request("GET", f"{PODS}?labelSelector=app%3Dsel&limit=3&continue={token}")
        assert status == 200
        assert page["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
        seen += [i["metadata"]["name"] for i in page["items"]]
        token = page["metadata"].get("continue")
    assert seen == [f"sel-{i}" for i in range(7)]
    status, body, _ = emu.request("GET", f"{PODS}?limit=2&continue=garbage!!")
    assert status == 400


def test_table_output(emu):
    emu.request("POST", LEASES, lease("table", holder="holder-x"))
    accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
    status, body, _ = emu.request("GET", LEASES, headers={"Accept": accept})
    assert status == 200 and body["kind"] == "Table" and body["apiVersion"] == "meta.k8s.io/v1"
    assert [c["name"] for c in body["columnDefinitions"]] == ["Name", "Holder", "Age"]
    row = next(r for r in body["rows"] if r["cells"][0] == "table")
    assert row["cells"][1] == "holder-x" and row["object"]["kind"] == "PartialObjectMetadata"
