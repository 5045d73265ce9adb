import ForgeCore
import ForgeNode
import Foundation
import KubeClient
import Testing
import TestSupport

/// Real processes: API emulator over HTTPS, stand-in nodes, forge-reporter and its guard per
/// pod. Timings: leaseDuration 3 s, renewDeadline 2 s, retryPeriod 0.5 s. Every test ends by
/// checking the oracle: no two nodes ever forged at the same time.
@Suite("forge-reporter with real processes", .serialized)
struct ReporterIntegrationTests {
    static let leaseDuration = 3.0, retryPeriod = 0.5

    @Test("three pods: exactly one forges, reports say so; SIGTERM hands over within 2 s and exits 0")
    func threePodsAndGracefulHandover() async throws {
        let pool = try await PoolHarness(podCount: 3)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        try await eventually(timeout: .seconds(10), "every pod reports; only the leader forges") {
            for pod in pool.pods {
                guard let report = try await pod.report() else { return false }
                let expected = pod === leader
                guard report.forging.enabled == expected,
                      report.phase == (expected ? .forging : .standby),
                      report.leadership.holder == leader.name else { return false }
            }
            return true
        }
        #expect(try await leader.report()?.forging.confirmedBy == .sighupLog)

        let stoppedAt = pool.now
        leader.reporter?.signal(SIGTERM)
        let successor = try await pool.waitForSingleForger(timeout: .seconds(5), excluding: leader)
        let takeover = Double(try #require(try pool.forgingSince(successor)) - stoppedAt) / 1e9
        #expect(takeover <= 2.0, "standby forged \(takeover) s after SIGTERM")
        #expect(await leader.reporter?.waitExit(timeout: .seconds(5)) == 0)
        #expect(try await leader.report()?.phase == .stopping)
        #expect(leader.targetKeys.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        // The reporter wrote "not forging": its guard has nothing left to guard and stops.
        leader.guardProcess?.signal(SIGTERM)
        #expect(await leader.guardProcess?.waitExit(timeout: .seconds(2)) == 0)
        try pool.assertNoOverlap()
    }

    @Test("SIGKILL of the leader's reporter and node: another forges within leaseDuration + retryPeriod + 1 s")
    func crashFailover() async throws {
        let pool = try await PoolHarness(podCount: 2)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        let crashedAt = pool.now
        leader.reporter?.signal(SIGKILL)
        leader.guardProcess?.signal(SIGKILL)
        leader.stopNodeLoop()
        let successor = try await pool.waitForSingleForger(timeout: .seconds(8), excluding: leader)
        let takeover = Double(try #require(try pool.forgingSince(successor)) - crashedAt) / 1e9
        #expect(takeover <= Self.leaseDuration + Self.retryPeriod + 1, "took \(takeover) s")
        try pool.assertNoOverlap()
    }

    @Test("SIGSTOP of the leader's reporter: its guard disables its node before anyone else forges")
    func frozenReporterIsFencedByGuard() async throws {
        let pool = try await PoolHarness(podCount: 2)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        leader.reporter?.signal(SIGSTOP)
        let successor = try await pool.waitForSingleForger(timeout: .seconds(8), excluding: leader)
        #expect(successor !== leader)
        #expect(leader.guardLog.contains("fence enforced"))
        #expect(leader.targetKeys.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        try pool.assertNoOverlap()
        leader.reporter?.signal(SIGCONT)
    }

    @Test("leader cut off from the API (renewals hang) fences itself within renewDeadline")
    func apiPartitionFences() async throws {
        let pool = try await PoolHarness(podCount: 2)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        let cutAt = pool.now
        _ = try await pool.emulator.addFault(FaultRule(method: "PUT", pathRegex: "/leases/", hang: true))
        try await eventually(timeout: .seconds(4), poll: .milliseconds(20), "the leader stops forging") {
            try pool.forgingPods().isEmpty
        }
        let stoppedAfter = Double(pool.now - cutAt) / 1e9
        #expect(stoppedAfter < Self.leaseDuration, "fenced after \(stoppedAfter) s")
        #expect(leader.reporterLog.contains("fenced"))
        try await pool.emulator.clearFaults()
        _ = try await pool.waitForSingleForger(timeout: .seconds(15))
        try pool.assertNoOverlap()
    }

    @Test("node restart on the leader: another pod takes over; the restarted node rejoins as standby")
    func leaderNodeRestart() async throws {
        // A real node replays its ledger for a while after a restart; 1.5 s stands in for it.
        let pool = try await PoolHarness(podCount: 2, replayDelay: 1.5)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        leader.killNode()
        let successor = try await pool.waitForSingleForger(timeout: .seconds(10), excluding: leader)
        #expect(successor !== leader)
        try await eventually(timeout: .seconds(15), "the old leader's node is back as a standby") {
            guard let report = try await leader.report() else { return false }
            return report.phase == .standby && report.socket.healthy && report.credentials.state == .absent
        }
        try pool.assertNoOverlap()
    }

    @Test("node restart on a standby: it is re-provisioned for boot, then cleaned; the leader keeps forging")
    func standbyNodeRestart() async throws {
        let pool = try await PoolHarness(podCount: 2, replayDelay: 1.5)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        let standby = try #require(pool.pods.first { $0 !== leader })
        let oldPID = standby.nodePID
        standby.killNode()
        try await eventually(timeout: .seconds(15), "the standby's node is back") {
            guard let report = try await standby.report(), let pid = report.process.pid else { return false }
            return pid != oldPID && report.socket.healthy && report.phase == .standby
                && report.credentials.state == .absent
        }
        #expect(standby.reporterLog.contains("provisioned keys for a non-producing start"))
        #expect(try pool.forgingPods().map(\.name) == [leader.name])
        try pool.assertNoOverlap()
    }

    @Test("an unsignallable node is never reported as forging; once signallable, it forges")
    func unsignallableNode() async throws {
        let pool = try await PoolHarness(podCount: 2)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        let standby = try #require(pool.pods.first { $0 !== leader })
        try await eventually(timeout: .seconds(10), "the standby has booted") {
            try await standby.report()?.phase == .standby
        }
        // A second process with the node's name that also names its socket: no single node,
        // so the reporter must not pick one.
        let decoyDirectory = standby.directory + "/decoy"
        try FileManager.default.createDirectory(atPath: decoyDirectory, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: decoyDirectory + "/" + standby.nodeProcessName, withDestinationPath: "/bin/sh")
        let decoy = try ChildProcess.launch(
            executable: decoyDirectory + "/" + standby.nodeProcessName,
            arguments: ["-c", "sleep 600; true", "--socket-path", standby.socketPath],
            outputFile: standby.directory + "/decoy.out")
        defer { decoy.signal(SIGKILL) }
        leader.reporter?.signal(SIGTERM)
        try await eventually(timeout: .seconds(6), "the standby leads but cannot signal its node") {
            guard let report = try await standby.report() else { return false }
            return report.leadership.holder == standby.name && report.phase == .error
        }
        for _ in 0..<5 {
            let report = try #require(try await standby.report())
            #expect(!report.forging.enabled)
            #expect(try pool.forgingPods().isEmpty)
            try await Task.sleep(for: .milliseconds(200))
        }
        decoy.signal(SIGKILL)
        let forger = try await pool.waitForSingleForger(timeout: .seconds(6))
        #expect(forger === standby)
        try await eventually(timeout: .seconds(5), "the standby reports forging once it can signal") {
            try await standby.report()?.forging.enabled == true
        }
        try pool.assertNoOverlap()
    }

    @Test("an unreadable source key: clear error naming it, forging state unchanged")
    func unreadableSourceKey() async throws {
        let pool = try await PoolHarness(podCount: 2)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        let standby = try #require(pool.pods.first { $0 !== leader })
        try FileManager.default.removeItem(atPath: standby.sourceKES)
        try FileManager.default.createDirectory(atPath: standby.sourceKES, withIntermediateDirectories: false)
        leader.reporter?.signal(SIGTERM)
        try await eventually(timeout: .seconds(6), "the standby reports the unreadable key") {
            guard let report = try await standby.report() else { return false }
            return report.lastError?.contains(standby.sourceKES) == true && report.phase == .error
        }
        #expect(try await standby.report()?.forging.enabled == false)
        // The inspection of the Secret's files says why: this pod does not campaign at all.
        try await eventually(timeout: .seconds(10), "the standby's report shows the inspection") {
            let source = try await standby.report()?.credentials.source
            return source?.verdict == .cannotForge && source?.reason == "Unreadable"
                && source?.errors?.contains { $0.hasPrefix(standby.sourceKES + ": ") } == true
        }
        #expect(try pool.forgingPods().isEmpty)
        #expect(standby.targetKeys.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        try pool.assertNoOverlap()
    }
}
