"""events.k8s.io/v1 Events (create, series patch) and their core/v1 view, which is what
`kubectl describe` lists (involvedObject field selectors)."""

EVENTS = "/apis/events.k8s.io/v1/namespaces/default/events"
CORE = "/api/v1/namespaces/default/events"


def event(name, **extra):
    body = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": name, "namespace": "default"},
            "eventTime": "2026-12-04T05:00:00.123456Z", "reportingController": "cardano.io/forge-aggregator",
            "reportingInstance": "agg-0", "action": "Decide", "reason": "RegionAllowed", "type": "Normal",
            "note": "us-east-1 may forge: BestRanked",
            "regarding": {"apiVersion": "cardano.io/v1", "kind": "CardanoForgeCluster", "namespace": "default",
                          "name": "mainnet-pool1-us", "uid": "u-1"}}
    body.update(extra)
    return body


def test_create_patch_series_and_the_core_view(emu):
    status, created, _ = emu.request("POST", EVENTS, event("cfc.1"))
    assert status == 201 and created["reason"] == "RegionAllowed"
    patch = {"series": {"count": 3, "lastObservedTime": "2026-12-04T05:01:00.000000Z"}}
    status, patched, _ = emu.request("PATCH", EVENTS + "/cfc.1", patch, content_type="application/merge-patch+json")
    assert status == 200 and patched["series"]["count"] == 3

    # The core/v1 view, filtered the way kubectl describe filters.
    selector = "involvedObject.name=mainnet-pool1-us,involvedObject.namespace=default,involvedObject.kind=CardanoForgeCluster"
    status, listed, _ = emu.request("GET", CORE + "?fieldSelector=" + selector.replace("=", "%3D").replace(",", "%2C"))
    assert status == 200 and listed["kind"] == "EventList"
    [core] = listed["items"]
    assert core["involvedObject"]["name"] == "mainnet-pool1-us" and core["message"] == "us-east-1 may forge: BestRanked"
    assert core["count"] == 3 and core["lastTimestamp"] == "2026-12-04T05:01:00Z"
    assert core["firstTimestamp"] == "2026-12-04T05:00:00Z" and core["source"]["component"] == "cardano.io/forge-aggregator"
    status, other, _ = emu.request("GET", CORE + "?fieldSelector=involvedObject.name%3Dnothing")
    assert status == 200 and other["items"] == []
    status, one, _ = emu.request("GET", CORE + "/cfc.1")
    assert status == 200 and one["apiVersion"] == "v1" and one["reason"] == "RegionAllowed"


def test_the_core_view_is_read_only(emu):
    status, _, _ = emu.request("POST", CORE, {"metadata": {"name": "x"}, "involvedObject": {}})
    assert status == 405


def test_invalid_events_are_rejected(emu):
    status, body, _ = emu.request("POST", EVENTS, event("bad.1", type="Info", reason=""))
    assert (status, body["reason"]) == (422, "Invalid")
    fields = {cause["field"] for cause in body["details"]["causes"]}
    assert {"type", "reason"} <= fields
    status, body, _ = emu.request("POST", EVENTS, event("bad.2", series={"count": 1, "lastObservedTime": "x"}))
    assert status == 422
    emu.request("POST", EVENTS, event("imm.1"))
    status, body, _ = emu.request("PATCH", EVENTS + "/imm.1", {"reason": "Other"}, content_type="application/merge-patch+json")
    assert status == 422
