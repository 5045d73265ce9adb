import ForgeCore
import Foundation
import KubeClient
import Testing
import TestSupport

/// The election identity includes the pod UID (issue #9, hole 11): a pod recreated under the
/// same name is a new candidate, not the holder of its predecessor's Lease.
@Suite("forge-reporter election identity", .serialized)
struct ElectionIdentityIntegrationTests {
    func lease(_ pool: PoolHarness) async throws -> Lease {
        try await pool.emulator.client().get(.leases, namespace: pool.namespace, name: "cardano-node-leader", as: Lease.self)
    }

    @Test("a pod recreated under the same name acquires the Lease anew instead of renewing its predecessor's")
    func recreatedPodIsANewCandidate() async throws {
        let pool = try await PoolHarness(podCount: 0)
        defer { pool.shutdown() }
        let first = try PodHarness(name: "producer-0", index: 0, namespace: pool.namespace, emulator: pool.emulator, root: pool.root)
        first.podEnvironment = ["POD_UID": "uid-first"]
        defer { first.stop() }
        try await first.start()
        try await eventually(timeout: .seconds(20), "the first incarnation forges") {
            try await first.report()?.phase == .forging
        }
        let held = try await lease(pool)
        #expect(held.spec.holderIdentity == "producer-0_uid-first")
        // The report names the pod (the aggregator compares the holder with pod names).
        #expect(try await first.report()?.leadership.holder == "producer-0")
        let transitionsBefore = held.spec.leaseTransitions ?? 0

        // The pod is gone without releasing (node lost) and comes back with a new UID.
        first.stop()
        try await pool.emulator.client().delete(.pods, namespace: pool.namespace, name: "producer-0")
        let second = try PodHarness(name: "producer-0", index: 1, namespace: pool.namespace, emulator: pool.emulator,
                                    root: pool.root + "/recreated")
        second.podEnvironment = ["POD_UID": "uid-second"]
        defer { second.stop() }
        try await second.start()
        try await eventually(timeout: .seconds(20), "the new incarnation forges") {
            try await second.report()?.phase == .forging
        }
        let taken = try await lease(pool)
        #expect(taken.spec.holderIdentity == "producer-0_uid-second")
        #expect((taken.spec.leaseTransitions ?? 0) == transitionsBefore + 1,
                "the recreated pod renewed its predecessor's Lease instead of acquiring it after expiry")
        #expect(try await second.report()?.leadership.holder == "producer-0")
    }
}
