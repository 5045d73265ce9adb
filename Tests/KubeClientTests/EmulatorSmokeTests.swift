import Foundation
import ForgeCore
import KubeClient
import Testing
import TestSupport

/// The emulator harness itself: start-up time, authentication, a Lease round trip through the
/// real client, and the admin helpers (faults, request log, tokens).
@Suite(.serialized)
struct EmulatorSmokeTests {
    @Test func startsAndRejectsMissingToken() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        print("emulator ready after \(emulator.startupDuration)")
        // Startup speed is a benchmark figure (printed above), not a pass/fail bound.
        #expect(FileManager.default.fileExists(atPath: emulator.caPath))

        var config = try KubeConfig.load(path: emulator.kubeconfigPath)
        config.token = "not-the-token"
        let stranger = try KubernetesClient(config: config, options: KubeClientOptions(maxRetries: 0))
        let error = await #expect(throws: KubeAPIError.self) {
            _ = try await stranger.get(.leases, namespace: "default", name: "any", as: Lease.self)
        }
        #expect(error?.isUnauthorized == true)
    }

    @Test func leaseRoundTripThroughTheClient() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client()
        let lease = Lease(metadata: ObjectMeta(name: "smoke", namespace: "default"),
                          spec: LeaseSpec(holderIdentity: "pod-a", leaseDurationSeconds: 15))

        let created = try await client.create(.leases, namespace: "default", lease)
        #expect(created.spec.holderIdentity == "pod-a")
        let createdVersion = try #require(created.metadata.resourceVersion)

        var changed = created
        changed.spec.holderIdentity = "pod-b"
        let updated = try await client.update(.leases, namespace: "default", name: "smoke", changed)
        #expect(updated.spec.holderIdentity == "pod-b")
        #expect(updated.metadata.resourceVersion != createdVersion)

        // Writing with the stale resourceVersion loses the compare-and-swap.
        let conflict = await #expect(throws: KubeAPIError.self) {
            _ = try await client.update(.leases, namespace: "default", name: "smoke", changed)
        }
        #expect(conflict?.isConflict == true)

        let patched = try await client.patch(
            .leases, namespace: "default", name: "smoke", patch: Data(#"{"spec":{"leaseTransitions":3}}"#.utf8),
            as: Lease.self)
        #expect(patched.spec.leaseTransitions == 3 && patched.spec.holderIdentity == "pod-b")

        let fetched = try await client.get(.leases, namespace: "default", name: "smoke", as: Lease.self)
        #expect(fetched == patched)

        try await client.delete(.leases, namespace: "default", name: "smoke")
        let missing = await #expect(throws: KubeAPIError.self) {
            _ = try await client.get(.leases, namespace: "default", name: "smoke", as: Lease.self)
        }
        #expect(missing?.isNotFound == true)
    }

    @Test func faultsAreInjectedAndLogged() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: KubeClientOptions(maxRetries: 0, userAgent: "smoke-test"))
        try await emulator.addFault(FaultRule(method: "GET", pathRegex: "/leases/faulty$", status: 503, times: 1))

        let injected = await #expect(throws: KubeAPIError.self) {
            _ = try await client.get(.leases, namespace: "default", name: "faulty", as: Lease.self)
        }
        #expect(injected?.code == 503)
        let afterBudget = await #expect(throws: KubeAPIError.self) {
            _ = try await client.get(.leases, namespace: "default", name: "faulty", as: Lease.self)
        }
        #expect(afterBudget?.isNotFound == true)  // times: 1 was used up

        let log = try await emulator.requestLog().filter { $0.userAgent == "smoke-test" }
        #expect(log.map(\.status) == [503, 404])
        #expect(log.first?.path == "/apis/coordination.k8s.io/v1/namespaces/default/leases/faulty")
    }

    @Test func rotatedTokensAndNamespacesAndCRDs() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        try await emulator.createNamespace("smoke-ns")
        try await emulator.createNamespace("smoke-ns")  // idempotent
        try await emulator.installCRDs()
        let client = try emulator.client(options: KubeClientOptions(maxRetries: 0))
        let clusters = try await client.list(.cardanoForgeClusters, namespace: "smoke-ns", as: JSONValue.self)
        #expect(clusters.items.isEmpty)

        try await emulator.setTokens(["rotated"])
        let rejected = await #expect(throws: KubeAPIError.self) {
            _ = try await client.list(.leases, namespace: "smoke-ns", as: Lease.self)
        }
        #expect(rejected?.isUnauthorized == true)
        try await emulator.setTokens([emulator.token])
        _ = try await client.list(.leases, namespace: "smoke-ns", as: Lease.self)
    }

    @Test func childProcessSignalsAndExitCodes() async throws {
        let output = NSTemporaryDirectory() + "child-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try ChildProcess.launch(executable: "sh", arguments: ["-c", "echo started; exec sleep 30"],
                                            outputFile: output)
        try await eventually(timeout: .seconds(5), "child wrote its first line") { child.output.contains("started") }
        #expect(child.isRunning)
        #expect(child.signal(SIGTERM))
        #expect(await child.waitExit(timeout: .seconds(5)) == 128 + SIGTERM)
        #expect(!child.isRunning)

        let quick = try ChildProcess.launch(executable: "sh", arguments: ["-c", "exit 7"], outputFile: output)
        #expect(await quick.waitExit(timeout: .seconds(5)) == 7)
    }
}
