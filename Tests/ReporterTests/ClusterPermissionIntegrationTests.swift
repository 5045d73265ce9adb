import ForgeCore
import Foundation
import KubeClient
import Testing
import TestSupport

/// The reporter's cluster gate against a real CardanoForgeCluster in the emulator: forging
/// needs `status.forgingEnabled` with a live `status.heartbeat`.
@Suite("forge-reporter cluster permission", .serialized)
struct ClusterPermissionIntegrationTests {
    static let poolId = String(repeating: "ab", count: 28)
    static let clusterName = "preview-abababab-eu-1"

    @Test("forges only while the cluster status allows it with a live heartbeat")
    func clusterGate() async throws {
        let pool = try await PoolHarness(podCount: 1, extraEnvironment: [
            "ENABLE_CLUSTER_MANAGEMENT": "true", "CARDANO_NETWORK": "preview", "POOL_ID": Self.poolId,
            "CLUSTER_REGION": "eu-1", "CLUSTER_STATUS_STALENESS": "2",
        ], crds: true)
        defer { pool.shutdown() }
        let pod = pool.pods[0]
        let client = try pool.emulator.client()
        let base = "/apis/cardano.io/v1/namespaces/\(pool.namespace)/cardanoforgeclusters"
        let object: [String: Any] = [
            "apiVersion": "cardano.io/v1", "kind": "CardanoForgeCluster",
            "metadata": ["name": Self.clusterName, "namespace": pool.namespace],
            "spec": ["region": "eu-1", "network": ["name": "preview"], "pool": ["id": Self.poolId]],
        ]
        let (created, body) = try await client.send(
            method: "POST", path: base, body: try JSONSerialization.data(withJSONObject: object),
            contentType: "application/json")
        #expect(created == 201, "\(String(decoding: body, as: UTF8.self))")

        func setStatus(enabled: Bool, heartbeat: Int) async throws {
            let patch = try JSONSerialization.data(withJSONObject: [
                "status": ["forgingEnabled": enabled, "heartbeat": heartbeat]])
            let (status, _) = try await client.send(
                method: "PATCH", path: "\(base)/\(Self.clusterName)/status", body: patch,
                contentType: "application/merge-patch+json")
            #expect(status == 200)
        }

        // The node boots and the pod leads, but without a live "yes" it must not forge.
        try await eventually(timeout: .seconds(15), "the pod leads without forging") {
            let report = try await pod.report()
            return report?.phase == .leader && report?.leadership.holder == pod.name
        }
        try await setStatus(enabled: true, heartbeat: 1)
        try await Task.sleep(for: .milliseconds(700))   // a heartbeat never seen changing: still no
        #expect(try pool.forgingPods().isEmpty)

        // A live aggregator: the heartbeat keeps changing.
        let beating = Locked(true)
        let enabled = Locked(true)
        let heart = Task {
            var beat = 2
            while !Task.isCancelled {
                if beating.current { try? await setStatus(enabled: enabled.current, heartbeat: beat); beat += 1 }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        defer { heart.cancel() }
        _ = try await pool.waitForSingleForger(timeout: .seconds(5))

        enabled.withLock { $0 = false }
        try await eventually(timeout: .seconds(3), poll: .milliseconds(20), "forgingEnabled false stops forging") {
            try pool.forgingPods().isEmpty
        }
        enabled.withLock { $0 = true }
        _ = try await pool.waitForSingleForger(timeout: .seconds(5))

        beating.withLock { $0 = false }      // the aggregator dies: the status goes stale
        try await eventually(timeout: .seconds(5), poll: .milliseconds(20), "a stale heartbeat stops forging") {
            try pool.forgingPods().isEmpty
        }
        try await eventually(timeout: .seconds(3), "the report follows") {
            let report = try await pod.report()
            return report?.forging.enabled == false && report?.phase == .leader
        }
        try pool.assertNoOverlap()
    }
}
