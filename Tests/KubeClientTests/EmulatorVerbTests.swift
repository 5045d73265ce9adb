import Foundation
import ForgeCore
import KubeClient
import Testing
import TestSupport

/// Every verb against the emulator over TLS with a bearer token, via its kubeconfig.
@Suite(.serialized) struct EmulatorVerbTests {
    @Test func createGetListUpdatePatchDelete() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        let ns = Fixture.namespace

        let created = try await client.create(.leases, namespace: ns, Fixture.lease("verbs", holder: "a", labels: ["app": "x"]))
        #expect(created.metadata.uid != nil && created.metadata.resourceVersion != nil)
        _ = try await client.create(.leases, namespace: ns, Fixture.lease("other", labels: ["app": "y"]))

        let fetched = try await client.get(.leases, namespace: ns, name: "verbs", as: Lease.self)
        #expect(fetched.spec.holderIdentity == "a")

        let selected = try await client.list(.leases, namespace: ns, options: ListOptions(labelSelector: "app=x"), as: Lease.self)
        #expect(selected.items.map(\.metadata.name) == ["verbs"])
        #expect(selected.metadata.resourceVersion != nil)

        var changed = fetched
        changed.spec.holderIdentity = "b"
        let updated = try await client.update(.leases, namespace: ns, name: "verbs", changed)
        #expect(updated.spec.holderIdentity == "b" && updated.metadata.resourceVersion != fetched.metadata.resourceVersion)

        let merged = try await client.patch(
            .leases, namespace: ns, name: "verbs", patch: Data(#"{"spec":{"holderIdentity":"c"}}"#.utf8), as: Lease.self)
        #expect(merged.spec.holderIdentity == "c")
        let jsonPatched = try await client.patch(
            .leases, namespace: ns, name: "verbs",
            patch: Data(#"[{"op":"replace","path":"/spec/holderIdentity","value":"d"}]"#.utf8), patchType: .json, as: Lease.self)
        #expect(jsonPatched.spec.holderIdentity == "d")

        let exists = await #expect(throws: KubeAPIError.self) {
            _ = try await client.create(.leases, namespace: ns, Fixture.lease("verbs"))
        }
        #expect(exists?.isAlreadyExists == true)

        let stale = await #expect(throws: KubeAPIError.self) {
            try await client.delete(.leases, namespace: ns, name: "verbs", preconditions: (uid: nil, resourceVersion: fetched.metadata.resourceVersion))
        }
        #expect(stale?.isConflict == true, "a stale precondition must not delete")
        try await client.delete(.leases, namespace: ns, name: "verbs", preconditions: (uid: created.metadata.uid, resourceVersion: nil))
        let gone = await #expect(throws: KubeAPIError.self) { _ = try await client.get(.leases, namespace: ns, name: "verbs", as: Lease.self) }
        #expect(gone?.isNotFound == true)
    }

    @Test func statusSubresourceAndRawSend() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        let pod = Pod(metadata: ObjectMeta(name: "bp-0", namespace: Fixture.namespace), spec: PodSpec(nodeName: "n1"))
        let body = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bp-0"},"spec":{"nodeName":"n1","containers":[{"name":"c","image":"i"}]}}"#
        let (status, _) = try await client.send(
            method: "POST", path: ResourceType.pods.path(namespace: Fixture.namespace), body: Data(body.utf8), contentType: "application/json")
        #expect(status == 201, "raw create of \(pod.metadata.name ?? "")")
        let patched = try await client.patch(
            .pods, namespace: Fixture.namespace, name: "bp-0",
            patch: Data(#"{"status":{"phase":"Running","podIP":"10.0.0.9","conditions":[{"type":"Ready","status":"True"}]}}"#.utf8),
            subresource: "status", as: Pod.self)
        #expect(patched.status?.phase == "Running" && patched.status?.isReady == true && patched.spec?.nodeName == "n1")
        let (missing, _) = try await client.send(method: "GET", path: ResourceType.pods.path(namespace: Fixture.namespace, name: "nope"))
        #expect(missing == 404, "send returns non-2xx statuses instead of throwing")
    }

    /// N writers race with the same resourceVersion: the API's compare-and-swap lets exactly one win.
    @Test func concurrentCompareAndSwapHasExactlyOneWinner() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        let base = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("cas", holder: "nobody"))
        let outcomes = await withTaskGroup(of: String.self) { group in
            for i in 0..<20 {
                group.addTask {
                    var attempt = base
                    attempt.spec.holderIdentity = "writer-\(i)"
                    do {
                        _ = try await client.update(.leases, namespace: Fixture.namespace, name: "cas", attempt)
                        return "won:writer-\(i)"
                    } catch let error as KubeAPIError where error.isConflict {
                        return "conflict"
                    } catch {
                        return "other:\(error)"
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let winners = outcomes.filter { $0.hasPrefix("won:") }
        #expect(winners.count == 1, "\(outcomes)")
        #expect(outcomes.filter { $0 == "conflict" }.count == 19, "\(outcomes)")
        let final = try await client.get(.leases, namespace: Fixture.namespace, name: "cas", as: Lease.self)
        #expect(winners.first == "won:\(final.spec.holderIdentity ?? "")")
    }

    @Test func badServerURLIsAConfigError() {
        #expect(throws: KubeClientError.self) { _ = try KubernetesClient(config: KubeConfig(server: "not a url")) }
    }
}
