import Foundation
import ForgeCore
@testable import KubeClient
import Logging
import Testing
import TestSupport

/// Metadata-only lists and watches: decoding, the Accept headers, and an informer of pods
/// against the emulator (which converts as kube-apiserver does).
@Suite struct PartialObjectMetadataTests {
    let logger = Logger(label: "test")

    @Test func decodesAConvertedListAndDropsUntypedMetadata() throws {
        let body = #"""
        {"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"42","continue":"t"},
         "items":[{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"p1","uid":"u1",
           "resourceVersion":"40","labels":{"pool":"a"},"annotations":{"cardano.io/forge-report":"{}"},
           "deletionTimestamp":"2026-12-04T08:00:00Z",
           "managedFields":[{"manager":"kubectl","operation":"Update","fieldsV1":{"f:metadata":{}}}],
           "ownerReferences":[{"kind":"StatefulSet","name":"bp","uid":"s1","apiVersion":"apps/v1"}]}}]}
        """#
        let list = try JSONDecoder().decode(ObjectList<PartialObjectMetadata>.self, from: Data(body.utf8))
        #expect(list.metadata.resourceVersion == "42" && list.metadata.continue == "t")
        let item = try #require(list.items.first)
        #expect(item.kind == "PartialObjectMetadata" && item.apiVersion == "meta.k8s.io/v1")
        #expect(item.metadata.name == "p1" && item.metadata.uid == "u1" && item.metadata.resourceVersion == "40")
        #expect(item.metadata.labels == ["pool": "a"])
        #expect(item.metadata.annotations?["cardano.io/forge-report"] == "{}")
        #expect(item.metadata.deletionTimestamp == "2026-12-04T08:00:00Z")
        // Read-only: managedFields and ownerReferences are not kept.
        #expect(item.metadata.extra.isEmpty)
    }

    /// A server that cannot convert answers the whole object (the Accept header's
    /// `application/json` fallback): it decodes the same way, spec and status ignored.
    @Test func aWholeObjectDecodesAsMetadata() throws {
        let line = #"{"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p2","resourceVersion":"7"},"spec":{"nodeName":"n"},"status":{"phase":"Running"}}}"#
        let envelope = try JSONDecoder().decode(WatchEnvelope<PartialObjectMetadata>.self, from: Data(line.utf8))
        guard case .modified(let object)? = envelope.event else { Issue.record("not modified: \(envelope)"); return }
        #expect(object.metadata.name == "p2" && object.kind == "Pod")
        let empty = try JSONDecoder().decode(PartialObjectMetadata.self, from: Data("{}".utf8))
        #expect(empty.metadata.name == nil)
    }

    @Test func acceptHeadersAskForTheListOrTheObjectConversion() {
        #expect(ObjectRepresentation.metadataOnly.listAccept.hasPrefix("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,"))
        #expect(ObjectRepresentation.metadataOnly.watchAccept.hasPrefix("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,"))
        #expect(ObjectRepresentation.full.listAccept == "application/json")
    }

    /// The informer lists (paged) and watches pods as PartialObjectMetadata: every object it
    /// hands over is the server's conversion (kind and apiVersion say so), with labels and
    /// annotations, through creation, change and deletion.
    @Test func informerOfPodMetadataAgainstTheEmulator() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        // The Pod model carries no containers (it is read-only); the API wants one.
        func createPod(_ name: String, report: String) async throws {
            let body = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","labels":{"pool":"a"},"annotations":{"cardano.io/forge-report":"\#(report)"}},"spec":{"nodeName":"node-1","containers":[{"name":"c","image":"i"}]}}"#
            let answer = try await client.send(method: "POST", path: ResourceType.pods.path(namespace: Fixture.namespace),
                                               body: Data(body.utf8), contentType: "application/json")
            #expect(answer.status == 201)
        }
        for i in 0..<5 { try await createPod("pre-\(i)", report: "r\(i)") }
        let informer = Informer<PartialObjectMetadata>(client: client, type: .pods, namespace: Fixture.namespace,
                                                       labelSelector: "pool=a", logger: logger, pageSize: 2,
                                                       representation: .metadataOnly)
        let recorder = InformerRecorder<PartialObjectMetadata>()
        let run = recorder.start(informer)
        defer { run.cancel() }
        try await eventually(timeout: .seconds(5), "initial sync") { recorder.syncs.count == 1 }
        let listed = recorder.syncs[0]
        #expect(listed.compactMap(\.metadata.name) == (0..<5).map { "pre-\($0)" })
        #expect(listed.allSatisfy { $0.kind == "PartialObjectMetadata" && $0.apiVersion == "meta.k8s.io/v1" })
        #expect(listed.map { $0.metadata.annotations?[ForgeReport.annotationKey] } == (0..<5).map { "r\($0)" })

        try await createPod("live", report: "first")
        let patch = Data(#"{"metadata":{"annotations":{"cardano.io/forge-report":"second"}}}"#.utf8)
        _ = try await client.patch(.pods, namespace: Fixture.namespace, name: "live", patch: patch, as: Pod.self)
        try await client.delete(.pods, namespace: Fixture.namespace, name: "live")
        try await eventually(timeout: .seconds(5), "deletion observed") {
            recorder.all.contains { if case .deleted(let object) = $0 { return object.metadata.name == "live" } else { return false } }
        }
        let live = recorder.upserted.filter { $0.metadata.name == "live" }
        #expect(live.map { $0.metadata.annotations?[ForgeReport.annotationKey] } == ["first", "second"])
        #expect(live.allSatisfy { $0.kind == "PartialObjectMetadata" && $0.metadata.labels == ["pool": "a"] })
    }
}
