import Foundation
import Testing
import ForgeCore
@testable import KubeClient

/// Status decoding, paths, and the object models' wire format.
@Suite struct APIModelTests {
    @Test func statusBodyBecomesATypedAPIError() throws {
        let body = Data(#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Operation cannot be fulfilled on leases \"l\": the object has been modified","reason":"Conflict","code":409}"#.utf8)
        let error = try #require(KubeAPIError.from(status: 409, body: body, context: "PUT /x") as? KubeAPIError)
        #expect(error.isConflict && !error.isAlreadyExists && error.code == 409)
        #expect(error.message.contains("has been modified"))

        let exists = KubeAPIError(code: 409, reason: "AlreadyExists", message: "")
        #expect(exists.isAlreadyExists && !exists.isConflict)
        #expect(KubeAPIError(code: 410, reason: "Expired", message: "").isGone)
        #expect(KubeAPIError(code: 404, reason: "NotFound", message: "").isNotFound)
        #expect(KubeAPIError(code: 429, reason: "TooManyRequests", message: "").isTooManyRequests)
        #expect(KubeAPIError(code: 401, reason: "Unauthorized", message: "").isUnauthorized)
    }

    @Test func jsonWithoutStatusFieldsUsesTheHTTPCode() throws {
        let error = try #require(KubeAPIError.from(status: 404, body: Data("{}".utf8), context: "GET /x") as? KubeAPIError)
        #expect(error.code == 404 && error.reason == "NotFound")
    }

    @Test func nonJSONBodyIsInvalidResponseWithCodeAndSnippet() {
        let body = Data(("<html>Bad Gateway</html>" + String(repeating: "x", count: 5000)).utf8)
        let error = KubeAPIError.from(status: 502, body: body, context: "GET /api/v1/pods")
        guard case .invalidResponse(let message)? = error as? KubeClientError else {
            Issue.record("expected invalidResponse, got \(error)")
            return
        }
        #expect(message.contains("502") && message.contains("Bad Gateway") && message.contains("GET /api/v1/pods"))
        #expect(message.count < 400, "a snippet, not the whole body")
    }

    @Test func resourcePaths() {
        #expect(ResourceType.pods.path(namespace: "ns", name: "p") == "/api/v1/namespaces/ns/pods/p")
        #expect(ResourceType.pods.path(namespace: nil) == "/api/v1/pods")
        #expect(ResourceType.leases.path(namespace: "ns") == "/apis/coordination.k8s.io/v1/namespaces/ns/leases")
        #expect(ResourceType.cardanoForgeClusters.path(namespace: "ns", name: "c", subresource: "status")
            == "/apis/cardano.io/v1/namespaces/ns/cardanoforgeclusters/c/status")
        #expect(ResourceType.namespaces.path(namespace: "ignored", name: "n") == "/api/v1/namespaces/n")
        #expect(ResourceType.customResourceDefinitions.path(namespace: nil, name: "a.b")
            == "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/a.b")
        #expect(encodeQuery([("labelSelector", "app=x,tier!=db"), ("limit", "5")])
            == "labelSelector=app%3Dx%2Ctier%21%3Ddb&limit=5")
    }

    @Test func leaseRoundTripKeepsUnknownFields() throws {
        let json = #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l","resourceVersion":"7","ownerReferences":[{"uid":"u"}]},"spec":{"holderIdentity":"pod-a","leaseDurationSeconds":15,"renewTime":"2026-11-25T04:00:00.123456Z","leaseTransitions":3,"strategy":"OldestEmulationVersion"}}"#
        var lease = try JSONDecoder().decode(Lease.self, from: Data(json.utf8))
        #expect(lease.spec.holderIdentity == "pod-a" && lease.spec.leaseTransitions == 3)
        lease.spec.holderIdentity = nil
        let back = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(lease))
        #expect(back["spec"]?["strategy"] == .string("OldestEmulationVersion"))
        #expect(back["spec"]?["holderIdentity"] == nil, "a released lease has no holder")
        #expect(back["metadata"]?["ownerReferences"] != nil)
        #expect(back["metadata"]?["resourceVersion"] == .string("7"))
    }

    @Test func podDecodesTheFieldsWeRead() throws {
        let json = #"{"metadata":{"name":"bp-0"},"spec":{"nodeName":"n1","containers":[]},"status":{"phase":"Running","podIP":"10.1.2.3","conditions":[{"type":"Ready","status":"True"}]}}"#
        let pod = try JSONDecoder().decode(Pod.self, from: Data(json.utf8))
        #expect(pod.spec?.nodeName == "n1" && pod.status?.phase == "Running" && pod.status?.podIP == "10.1.2.3")
        #expect(pod.status?.isReady == true)
    }

    @Test func microTimeFormatsSixDigitsAndParses() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        let text = MicroTime.string(from: date)
        #expect(text == "2023-11-14T22:13:20.250000Z")
        let parsed = try #require(MicroTime.date(from: text))
        #expect(abs(parsed.timeIntervalSince1970 - date.timeIntervalSince1970) < 1e-5)
        #expect(MicroTime.date(from: "2023-11-14T22:13:20Z") != nil)
        #expect(MicroTime.date(from: "yesterday") == nil)
    }

    @Test func listWithNullItemsIsEmpty() throws {
        let list = try JSONDecoder().decode(ObjectList<Lease>.self, from: Data(#"{"metadata":{"resourceVersion":"3","continue":"abc"},"items":null}"#.utf8))
        #expect(list.items.isEmpty && list.metadata.resourceVersion == "3" && list.metadata.continue == "abc")
    }
}
