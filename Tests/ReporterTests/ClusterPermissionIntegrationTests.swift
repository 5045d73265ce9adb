import ForgeCore
import Foundation
import KubeClient
import Testing
import TestSupport

/// The reporter's cluster gate against a real CardanoForgeCluster in the emulator: forging
/// needs `status.forgingEnabled` written by an aggregator term whose Lease is seen renewing.
@Suite("forge-reporter cluster permission", .serialized)
struct ClusterPermissionIntegrationTests {
    static let poolId = String(repeating: "ab", count: 28)
    static let clusterName = "preview-abababab-eu-1"

    @Test("forges only while the cluster status allows it and the term that wrote it renews its Lease")
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

        let leaseName = "forge-aggregator-eu-1"
        let leases = "/apis/coordination.k8s.io/v1/namespaces/\(pool.namespace)/leases"
        func term(_ holder: String) -> [String: Any] {
            ["lease": leaseName, "holder": holder, "acquireTime": "2026-12-04T09:00:00.000000Z"]
        }
        func setStatus(enabled: Bool, sequence: Int, writtenBy holder: String) async throws {
            let patch = try JSONSerialization.data(withJSONObject: [
                "status": ["forgingEnabled": enabled, "heartbeat": sequence, "writtenBy": term(holder)]])
            let (status, _) = try await client.send(
                method: "PATCH", path: "\(base)/\(Self.clusterName)/status", body: patch,
                contentType: "application/merge-patch+json")
            #expect(status == 200)
        }
        /// What an aggregator's elector does: hold and renew the region's Lease.
        func renewLease(holder: String, beat: Int) async throws {
            let spec: [String: Any] = ["holderIdentity": holder, "leaseDurationSeconds": 15,
                                       "acquireTime": "2026-12-04T09:00:00.000000Z", "renewTime": "2026-12-04T09:00:\(String(format: "%02d", beat % 60)).000000Z"]
            let (status, _) = try await client.send(
                method: "PATCH", path: "\(leases)/\(leaseName)", body: try JSONSerialization.data(withJSONObject: ["spec": spec]),
                contentType: "application/merge-patch+json")
            if status == 404 {
                let object: [String: Any] = ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                                             "metadata": ["name": leaseName, "namespace": pool.namespace], "spec": spec]
                _ = try await client.send(method: "POST", path: leases, body: try JSONSerialization.data(withJSONObject: object),
                                          contentType: "application/json")
            }
        }

        // The node boots and the pod leads, but without a live "yes" it must not forge.
        try await eventually(timeout: .seconds(15), "the pod leads without forging") {
            let report = try await pod.report()
            return report?.phase == .leader && report?.leadership.holder == pod.name
        }
        // The Lease exists before the status names it, so the reporter's first read of it is
        // a baseline (an acquisition seen happening would count as a sign of life).
        try await renewLease(holder: "agg-0", beat: 0)
        try await setStatus(enabled: true, sequence: 1, writtenBy: "agg-0")
        try await Task.sleep(for: .milliseconds(700))   // a Lease never seen renewed: still no
        #expect(try pool.forgingPods().isEmpty)

        // A live aggregator: its Lease keeps being renewed (the status is not rewritten).
        let holder = Locked<String?>("agg-0")
        let heart = Task {
            var beat = 1
            while !Task.isCancelled {
                if let name = holder.current { try? await renewLease(holder: name, beat: beat); beat += 1 }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        defer { heart.cancel() }
        _ = try await pool.waitForSingleForger(timeout: .seconds(5))

        try await setStatus(enabled: false, sequence: 2, writtenBy: "agg-0")
        try await eventually(timeout: .seconds(3), poll: .milliseconds(20), "forgingEnabled false stops forging") {
            try pool.forgingPods().isEmpty
        }
        try await setStatus(enabled: true, sequence: 3, writtenBy: "agg-0")
        _ = try await pool.waitForSingleForger(timeout: .seconds(5))

        // Another aggregator term takes the Lease and renews it, but has not rewritten this
        // status: the old term's yes goes stale like a dead aggregator's.
        holder.withLock { $0 = "agg-1" }
        try await eventually(timeout: .seconds(5), poll: .milliseconds(20), "a status of a term no longer renewing stops forging") {
            try pool.forgingPods().isEmpty
        }
        try await setStatus(enabled: true, sequence: 4, writtenBy: "agg-1")
        _ = try await pool.waitForSingleForger(timeout: .seconds(5))

        holder.withLock { $0 = nil }      // the aggregator dies: its Lease goes stale
        try await eventually(timeout: .seconds(5), poll: .milliseconds(20), "a stale aggregator Lease stops forging") {
            try pool.forgingPods().isEmpty
        }
        try await eventually(timeout: .seconds(3), "the report follows") {
            let report = try await pod.report()
            return report?.forging.enabled == false && report?.phase == .leader
        }
        try pool.assertNoOverlap()
    }
}
