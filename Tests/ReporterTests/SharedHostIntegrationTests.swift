import ForgeCore
import Foundation
import Testing
import TestSupport

/// Several nodes in one PID namespace (systemd or compose hosts, `hostPID`): every pod's node is
/// called `cardano-node` and only its `--socket-path` tells them apart.
@Suite("several nodes on one host", .serialized)
struct SharedHostIntegrationTests {
    @Test("every node named cardano-node: each pod boots, exactly one forges, failover works")
    func everyNodeNamedCardanoNode() async throws {
        let pool = try await PoolHarness(podCount: 3, sharedNodeName: "cardano-node")
        for pod in pool.pods { pod.nodeWaitsForBootKeys = true }
        defer { pool.shutdown() }
        // Before the fix a reporter whose node had not started saw the others' nodes, called
        // them ambiguous and never provisioned boot keys, so its pod never started.
        let leader = try await pool.waitForSteadyState(timeout: .seconds(30))
        try await eventually(timeout: .seconds(10), "every pod found its own node; only the leader forges") {
            for pod in pool.pods {
                guard let report = try await pod.report(), report.process.found,
                      report.phase == (pod === leader ? .forging : .standby) else { return false }
            }
            return true
        }
        // A standby pod restarts while the other nodes run: its reporter sees two nodes called
        // cardano-node, neither for its socket. Before the fix it called that ambiguous and never
        // provisioned boot keys, so its node could never start again.
        let standby = try #require(pool.pods.first { $0 !== leader })
        let previousNode = try #require(standby.nodePID)
        standby.stop()
        standby.nodeWaitsForBootKeys = true
        #expect(standby.targetKeys.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        try await standby.start()
        try await eventually(timeout: .seconds(20), "the restarted standby's new node boots and it rejoins") {
            guard let pid = standby.nodePID, pid != previousNode, let report = try await standby.report() else { return false }
            return report.phase == .standby && report.process.pid == pid
        }
        leader.reporter?.signal(SIGKILL)
        leader.guardProcess?.signal(SIGKILL)
        leader.stopNodeLoop()
        _ = try await pool.waitForSingleForger(timeout: .seconds(10), excluding: leader)
        try pool.assertNoOverlap()
    }
}
