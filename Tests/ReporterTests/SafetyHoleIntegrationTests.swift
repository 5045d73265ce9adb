import ForgeCore
import ForgeNode
import Foundation
import Testing
import TestSupport

/// The holes of issue 9, each reproduced with real processes: API emulator, stand-in nodes,
/// forge-reporter and its guard per pod. Every test ends with the forging oracle.
@Suite("safety holes (real processes)", .serialized)
struct SafetyHoleIntegrationTests {
    /// A process called like `pod`'s node whose command line names the same socket (so the
    /// process table cannot tell which is the node), but which never opens the socket: a stand-in
    /// stuck in a ten-minute "replay", logging and recording nowhere that matters.
    static func startDecoy(like pod: PodHarness) throws -> ChildProcess {
        let env = ["STANDIN_REPLAY_DELAY": "600", "STANDIN_TRANSITIONS_FILE": pod.directory + "/decoy.transitions",
                   "STANDIN_LOG_FILE": pod.directory + "/decoy.log",
                   "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let secrets = ["kes.skey", "vrf.skey", "node.cert"].map { pod.directory + "/secrets/" + $0 }
        return try ChildProcess.launch(
            executable: pod.nodeBinary,
            arguments: ["run", "--socket-path", pod.socketPath, "--shelley-kes-key", secrets[0],
                        "--shelley-vrf-key", secrets[1], "--shelley-operational-certificate", secrets[2],
                        "--start-as-non-producing-node", "--database-path", pod.directory + "/decoy-db"],
            environment: env, outputFile: pod.directory + "/decoy.out")
    }

    @Test("hole 1: a decoy appears while forging and the Lease is lost: the disable still reaches the node")
    func decoyWhileForging() async throws {
        let pool = try await PoolHarness(podCount: 2)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        let decoy = try Self.startDecoy(like: leader)
        defer { decoy.signal(SIGKILL) }
        try await eventually(timeout: .seconds(5), "the leader's table is ambiguous") {
            (try? NodeProcessLocator(processName: leader.nodeProcessName, socketPath: leader.socketPath).locate()) == nil
        }
        // Only the leader's renewals hang: it fences itself and must disable its own node.
        _ = try await pool.emulator.addFault(FaultRule(method: "PUT", pathRegex: "/leases/", bodyRegex: leader.name, hang: true))
        let successor = try await pool.waitForSingleForger(timeout: .seconds(15), excluding: leader)
        #expect(successor !== leader)
        try pool.assertNoOverlap()
        #expect(decoy.isRunning, "the decoy was never signalled")
        try await pool.emulator.clearFaults()
    }

    @Test("hole 2: a reporter restarted next to a forging node it cannot identify disables it first")
    func restartedReporterDisablesFirst() async throws {
        let pool = try await PoolHarness(podCount: 2)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        let node = try #require(leader.nodePID)
        let decoy = try Self.startDecoy(like: leader)
        defer { decoy.signal(SIGKILL) }
        leader.reporter?.signal(SIGKILL)
        _ = await leader.reporter?.waitExit(timeout: .seconds(5))
        try leader.startReporter()
        // Its predecessor's record names the node: the new reporter removes the keys and signals
        // exactly that process, although the table shows two candidates.
        try await eventually(timeout: .seconds(5), poll: .milliseconds(20), "the leader's node stopped forging") {
            try pool.forgingPods().allSatisfy { $0 !== leader }
        }
        #expect(leader.nodePID == node, "disabled by SIGHUP, not restarted")
        #expect(leader.targetKeys.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        decoy.signal(SIGKILL)
        _ = try await pool.waitForSingleForger(timeout: .seconds(15))
        try pool.assertNoOverlap()
    }

    @Test("hole 8: a leader whose guard dies stops forging and leaves the election; the probe says why")
    func deadGuard() async throws {
        let pool = try await PoolHarness(podCount: 2, extraEnvironment: ["GUARD_STALENESS": "2"])
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        let probe = { @Sendable (pod: PodHarness) async throws -> Int32? in
            let run = try ChildProcess.launch(executable: Binaries.path("forge-reporter"), arguments: ["guard", "--probe"],
                                              environment: pod.environment.merging(["GUARD_STALENESS": "2"]) { $1 },
                                              outputFile: pod.directory + "/probe.out")
            return await run.waitExit(timeout: .seconds(5))
        }
        #expect(try await probe(leader) == 0)
        leader.guardProcess?.signal(SIGKILL)
        let successor = try await pool.waitForSingleForger(timeout: .seconds(15), excluding: leader)
        #expect(successor !== leader)
        #expect(try await probe(leader) == 1)
        #expect(try await probe(successor) == 0)
        var last: ForgeReport?
        do {
            try await eventually(timeout: .seconds(5), "the report says why") {
                last = try await leader.report()
                return last?.lastError?.contains("guard") == true
            }
        } catch {
            Issue.record("last report: \(String(describing: last))")
        }
        try pool.assertNoOverlap()
    }

    @Test("hole 10: without a way to confirm the disable, a graceful stop leaves the Lease to expire")
    func unconfirmedStopDoesNotRelease() async throws {
        let pool = try await PoolHarness(podCount: 2, extraEnvironment: ["NODE_LOG_FILE": ""])
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        let stoppedAt = pool.now
        leader.reporter?.signal(SIGTERM)
        #expect(await leader.reporter?.waitExit(timeout: .seconds(15)) == 0)
        // Left, not released: the Lease still names the stopped leader until it expires.
        let (status, body) = try await pool.emulator.client().send(
            method: "GET", path: "/apis/coordination.k8s.io/v1/namespaces/\(pool.namespace)/leases/cardano-node-leader")
        let holder = (try JSONSerialization.jsonObject(with: body) as? [String: Any])
            .flatMap { $0["spec"] as? [String: Any] }?["holderIdentity"] as? String
        #expect(status == 200 && holder?.hasPrefix(leader.name) == true, "holder after an unconfirmed stop: \(holder ?? "none")")
        let successor = try await pool.waitForSingleForger(timeout: .seconds(10), excluding: leader)
        let takeover = Double(try #require(try pool.forgingSince(successor)) - stoppedAt) / 1e9
        // Released, a standby would forge within milliseconds; abandoned, it waits for expiry.
        #expect(takeover >= 2.0, "a standby forged \(takeover) s after an unconfirmed stop")
        try pool.assertNoOverlap()
    }

    @Test("hole 10: with the node's metrics (the chart's default) a graceful stop is confirmed and hands over at once")
    func metricConfirmedStopReleases() async throws {
        let pool = try await PoolHarness(podCount: 2, extraEnvironment: ["NODE_LOG_FILE": ""], nodeMetrics: true)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        let stoppedAt = pool.now
        leader.reporter?.signal(SIGTERM)
        let successor = try await pool.waitForSingleForger(timeout: .seconds(5), excluding: leader)
        let takeover = Double(try #require(try pool.forgingSince(successor)) - stoppedAt) / 1e9
        #expect(takeover <= 2.0, "handover took \(takeover) s")
        #expect(await leader.reporter?.waitExit(timeout: .seconds(5)) == 0)
        try pool.assertNoOverlap()
    }
}
