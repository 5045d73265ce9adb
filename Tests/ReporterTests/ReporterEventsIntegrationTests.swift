import ForgeCore
import Foundation
import Testing
import TestSupport

/// `kubectl describe pod` tells a failover's story: the reporters' Events on their own Pods.
@Suite("forge-reporter Events (real processes)", .serialized)
struct ReporterEventsIntegrationTests {
    /// (pod, reason) of every events.k8s.io/v1 Event in the namespace, oldest first.
    static func events(_ pool: PoolHarness) async throws -> [(pod: String, reason: String)] {
        let (status, body) = try await pool.emulator.client().send(
            method: "GET", path: "/apis/events.k8s.io/v1/namespaces/\(pool.namespace)/events")
        guard status == 200, let list = try JSONSerialization.jsonObject(with: body) as? [String: Any],
              let items = list["items"] as? [[String: Any]] else { return [] }
        return items.compactMap { item in
            guard let reason = item["reason"] as? String, let regarding = item["regarding"] as? [String: Any],
                  regarding["kind"] as? String == "Pod", let pod = regarding["name"] as? String else { return nil }
            return (pod, reason)
        }
    }

    @Test("a graceful hand-over: the old leader's and the new leader's Events say what happened")
    func handOverStory() async throws {
        let pool = try await PoolHarness(podCount: 2)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        try await eventually(timeout: .seconds(5), "the leader reports forging") {
            try await leader.report()?.phase == .forging
        }
        leader.reporter?.signal(SIGTERM)
        let successor = try await pool.waitForSingleForger(timeout: .seconds(5), excluding: leader)
        var seen: [(pod: String, reason: String)] = []
        try await eventually(timeout: .seconds(10), "both pods' Events are recorded") {
            seen = try await Self.events(pool)
            let old = Set(seen.filter { $0.pod == leader.name }.map(\.reason))
            let new = Set(seen.filter { $0.pod == successor.name }.map(\.reason))
            return old.isSuperset(of: ["LeaseAcquired", "KeysInstalled", "ForgingEnabled", "KeysRemoved", "ForgingDisabled", "LeaseLost"])
                && new.isSuperset(of: ["LeaseAcquired", "KeysInstalled", "ForgingEnabled"])
        }
        try pool.assertNoOverlap()
    }
}
