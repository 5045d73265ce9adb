"""PartialObjectMetadata(List) negotiation, as kube-apiserver serves client-go's metadata client."""

import json

from conftest import PODS, pod

LIST_ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
OBJECT_ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
GADGETS = "/apis/example.io/v1/namespaces/default/gadgets"
GADGET_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "gadgets.example.io"},
    "spec": {"group": "example.io", "scope": "Namespaced",
             "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget", "listKind": "GadgetList"},
             "versions": [{"name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                           "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                               "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                               "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}}}]},
}


def _annotated_pod(name, labels):
    body = pod(name, labels, node="node-1")
    body["metadata"]["annotations"] = {"cardano.io/forge-report": '{"schemaVersion":1}'}
    return body


def test_list_as_partial_object_metadata_list(emu):
    for i in range(3):
        assert emu.request("POST", PODS, _annotated_pod(f"meta-{i}", {"set": "meta"}))[0] == 201
    status, body, response = emu.request("GET", f"{PODS}?labelSelector=set%3Dmeta&limit=2",
                                         headers={"Accept": LIST_ACCEPT})
    assert status == 200, body
    assert response.getheader("Content-Type") == "application/json"
    assert body["kind"] == "PartialObjectMetadataList" and body["apiVersion"] == "meta.k8s.io/v1"
    assert body["metadata"]["resourceVersion"] and body["metadata"]["continue"]
    assert [i["metadata"]["name"] for i in body["items"]] == ["meta-0", "meta-1"]
    for item in body["items"]:
        # Only metadata: kind and apiVersion of the conversion, no spec or status.
        assert set(item) == {"kind", "apiVersion", "metadata"}
        assert item["kind"] == "PartialObjectMetadata" and item["apiVersion"] == "meta.k8s.io/v1"
        assert item["metadata"]["labels"] == {"set": "meta"}
        assert item["metadata"]["annotations"]["cardano.io/forge-report"] == '{"schemaVersion":1}'
        assert item["metadata"]["uid"] and item["metadata"]["resourceVersion"]
    token = body["metadata"]["continue"]
    status, rest, _ = emu.request("GET", f"{PODS}?labelSelector=set%3Dmeta&limit=2&continue={token}",
                                  headers={"Accept": LIST_ACCEPT})
    assert status == 200 and [i["metadata"]["name"] for i in rest["items"]] == ["meta-2"]
    assert rest["kind"] == "PartialObjectMetadataList"


def test_plain_accept_still_gets_the_whole_object(emu):
    emu.request("POST", PODS, _annotated_pod("plain", {"set": "plain"}))
    status, body, _ = emu.request("GET", f"{PODS}?labelSelector=set%3Dplain")
    assert status == 200 and body["kind"] == "PodList"
    assert body["items"][0]["spec"]["nodeName"] == "node-1"
    # An `as=` the server does not offer is skipped for the next media type (plain JSON).
    status, body, _ = emu.request("GET", f"{PODS}?labelSelector=set%3Dplain",
                                  headers={"Accept": "application/json;as=Nonsense;g=meta.k8s.io;v=v1,application/json"})
    assert status == 200 and body["kind"] == "PodList"


def test_get_one_object_as_partial_object_metadata(emu):
    emu.request("POST", PODS, _annotated_pod("single", {"set": "single"}))
    status, body, _ = emu.request("GET", f"{PODS}/single", headers={"Accept": OBJECT_ACCEPT})
    assert status == 200 and body["kind"] == "PartialObjectMetadata"
    assert body["apiVersion"] == "meta.k8s.io/v1" and "spec" not in body and body["metadata"]["name"] == "single"
    status, body, _ = emu.request("GET", f"{PODS}/single",
                                  headers={"Accept": "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1"})
    assert status == 200 and body["apiVersion"] == "meta.k8s.io/v1beta1"


def test_mismatched_conversions_are_406_even_with_a_fallback(emu):
    # The server picks the first acceptable media type, then fails the conversion: no fallback.
    status, body, _ = emu.request("GET", PODS, headers={"Accept": OBJECT_ACCEPT})
    assert status == 406 and body["reason"] == "NotAcceptable"
    assert "you requested PartialObjectMetadata, but the requested object is a list" in body["message"]
    emu.request("POST", PODS, _annotated_pod("one", {}))
    status, body, _ = emu.request("GET", f"{PODS}/one", headers={"Accept": LIST_ACCEPT})
    assert status == 406 and "you requested PartialObjectMetadataList, but the requested object is not a list" in body["message"]
    status, body, _ = emu.request("GET", f"{PODS}?watch=1&timeoutSeconds=1", headers={"Accept": LIST_ACCEPT})
    assert status == 406 and body["reason"] == "NotAcceptable"


def test_custom_resources_convert_too(emu):
    status, body, _ = emu.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", GADGET_CRD)
    assert status == 201, body
    gadget = {"apiVersion": "example.io/v1", "kind": "Gadget", "metadata": {"name": "g1", "labels": {"x": "y"}},
              "spec": {"size": 3}}
    assert emu.request("POST", GADGETS, gadget)[0] == 201
    status, body, _ = emu.request("GET", GADGETS, headers={"Accept": LIST_ACCEPT})
    assert status == 200 and body["kind"] == "PartialObjectMetadataList", body
    assert [set(i) for i in body["items"]] == [{"kind", "apiVersion", "metadata"}]
    assert body["items"][0]["metadata"]["labels"] == {"x": "y"}
    # A write's answer is converted too (the write itself happened).
    status, body, _ = emu.request("PATCH", f"{GADGETS}/g1", {"spec": {"size": 4}},
                                  content_type="application/merge-patch+json", headers={"Accept": OBJECT_ACCEPT})
    assert status == 200 and body["kind"] == "PartialObjectMetadata" and "spec" not in body
    assert emu.request("GET", f"{GADGETS}/g1")[1]["spec"] == {"size": 4}


def _watch(emu, path, accept, max_events):
    conn = emu.connection(timeout=5)
    conn.request("GET", path, headers={"Authorization": f"Bearer {emu.token}", "Accept": accept})
    response = conn.getresponse()
    events = []
    try:
        while len(events) < max_events:
            line = response.readline()
            if not line:
                break
            events.append(json.loads(line))
    finally:
        conn.close()
    return response.status, events


def test_watch_events_and_bookmarks_are_partial_object_metadata(emu):
    status, body, _ = emu.request("GET", f"{PODS}?labelSelector=set%3Dwatched", headers={"Accept": LIST_ACCEPT})
    rv = body["metadata"]["resourceVersion"]
    emu.request("POST", PODS, _annotated_pod("watched", {"set": "watched"}))
    emu.request("PATCH", f"{PODS}/watched", {"metadata": {"annotations": {"cardano.io/forge-report": "{}"}}},
                content_type="application/merge-patch+json")
    emu.request("DELETE", f"{PODS}/watched")
    path = f"{PODS}?watch=1&labelSelector=set%3Dwatched&resourceVersion={rv}&allowWatchBookmarks=true&timeoutSeconds=2"
    status, events = _watch(emu, path, OBJECT_ACCEPT, 10)
    assert status == 200
    types = [e["type"] for e in events]
    assert types[:3] == ["ADDED", "MODIFIED", "DELETED"], types
    for event in events[:3]:
        obj = event["object"]
        assert set(obj) == {"kind", "apiVersion", "metadata"}
        assert obj["kind"] == "PartialObjectMetadata" and obj["apiVersion"] == "meta.k8s.io/v1"
        assert obj["metadata"]["name"] == "watched"
    assert events[1]["object"]["metadata"]["annotations"]["cardano.io/forge-report"] == "{}"
    bookmarks = [e for e in events if e["type"] == "BOOKMARK"]
    assert bookmarks, types  # the fixture's bookmark interval is 0.2 s, the watch lasts 2 s
    assert bookmarks[0]["object"]["kind"] == "PartialObjectMetadata"
    assert bookmarks[0]["object"]["metadata"]["resourceVersion"]


def test_watch_gone_is_still_a_status(emu):
    emu.request("POST", "/_emulator/compact")
    status, events = _watch(emu, f"{PODS}?watch=1&resourceVersion=1", OBJECT_ACCEPT, 2)
    assert status == 200 and events[0]["type"] == "ERROR"
    assert events[0]["object"]["kind"] == "Status" and events[0]["object"]["code"] == 410


def test_request_log_records_the_accept_header(emu):
    status, body, _ = emu.request("GET", f"{PODS}?labelSelector=set%3Dlogged", headers={"Accept": LIST_ACCEPT})
    assert status == 200
    log = emu.request("GET", "/_emulator/requests?since=0")[1]
    entry = [e for e in log if e["query"] == "labelSelector=set%3Dlogged"][-1]
    assert entry["accept"] == LIST_ACCEPT
