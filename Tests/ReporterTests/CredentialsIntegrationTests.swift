import ForgeCore
import ForgeNode
import Foundation
import KubeClient
import Testing
import TestSupport

/// The credential inspection with real processes: reporters read their pod's Secret files, the
/// Shelley genesis, and the stand-in node's slot metric over HTTP.
@Suite("forge-reporter credentials with real processes", .serialized)
struct CredentialsIntegrationTests {
    /// Genesis of a fast test network: 10 slots per KES period, 6 evolutions, and stand-in
    /// nodes whose slot follows the wall clock at `slotsPerSecond` from `systemStart`.
    static func network(root: String, slotsPerSecond: Double, systemStart: Double) throws -> (extra: [String: String], node: [String: String]) {
        let genesis = root + "-shelley-genesis.json"
        try CredentialFixture.genesis(slotsPerKESPeriod: 10, maxKESEvolutions: 6).write(toFile: genesis, atomically: true, encoding: .utf8)
        return (["SHELLEY_GENESIS_FILE": genesis],
                ["STANDIN_SYSTEM_START": String(systemStart), "STANDIN_SLOTS_PER_SECOND": String(slotsPerSecond)])
    }

    @Test("KES expiry made real by the node's slot: usable, then KESExpired on every pod; the leader stops forging and nobody takes over")
    func kesExpiryStopsForging() async throws {
        // The certificate (period 0) forges until slot 60: at 3 slots/s, 20 s after systemStart.
        let root = NSTemporaryDirectory() + "kes-\(UUID().uuidString.prefix(8))"
        let start = Date().timeIntervalSince1970
        let net = try Self.network(root: root, slotsPerSecond: 3, systemStart: start)
        defer { try? FileManager.default.removeItem(atPath: root + "-shelley-genesis.json") }
        // No node log: forging is confirmed by the node's leadership-check metric.
        let pool = try await PoolHarness(podCount: 2, extraEnvironment: net.extra.merging(["NODE_LOG_FILE": ""]) { $1 },
                                         nodeMetrics: true, nodeEnvironment: net.node)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSingleForger()
        try await eventually(timeout: .seconds(15), "the leader's report: usable, confirmed by the metric") {
            guard let report = try await leader.report(), let source = report.credentials.source else { return false }
            return source.verdict == .usable && source.kesEndPeriod == 6 && source.issueCounter == 1
                && source.poolIdMatches == true && source.kesKeyMatches == true && (source.kesPeriodsRemaining ?? 0) >= 1
                && report.forging.enabled && report.forging.confirmedBy == .metric
        }
        let usable = try #require(try await leader.report()?.credentials.source)
        #expect(usable.poolId == pool.credentials.poolIdHex)
        // The estimate uses the genesis slotLength (1 s), not the stand-in's faster clock: slot 60
        // is 60 s of genesis time after systemStart, whatever slot the node was at when read.
        #expect(usable.kesExpiresAt.flatMap(RFC3339.parse).map { $0.timeIntervalSince1970 > start + 20 } == true,
                "expiry estimate \(usable.kesExpiresAt ?? "nil")")

        // Slot 60 passes: every pod's inspection says KESExpired, the leader withdraws its keys,
        // and no pod campaigns (the chain would reject their blocks anyway).
        try await eventually(timeout: .seconds(30), "every pod reports KESExpired and nobody forges") {
            for pod in pool.pods {
                guard let report = try await pod.report(), report.credentials.source?.reason == "KESExpired",
                      report.credentials.source?.verdict == .cannotForge, !report.forging.enabled,
                      report.phase == .error else { return false }
            }
            return try pool.forgingPods().isEmpty
        }
        let expired = try #require(try await leader.report())
        #expect(expired.credentials.source?.kesPeriodsRemaining == 0)
        #expect(expired.lastError?.contains("KESExpired") == true)
        #expect(leader.targetKeys.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        // The leader released the Lease and no pod campaigns: it stays free.
        let leasePath = "/apis/coordination.k8s.io/v1/namespaces/\(pool.namespace)/leases/cardano-node-leader"
        func holder() async throws -> String? {
            let (_, body) = try await pool.emulator.client().send(method: "GET", path: leasePath)
            let object = try JSONSerialization.jsonObject(with: body) as? [String: Any]
            let holder = (object?["spec"] as? [String: Any])?["holderIdentity"] as? String
            return holder?.isEmpty == true ? nil : holder
        }
        try await eventually(timeout: .seconds(20), "the Lease is free") { try await holder() == nil }
        try await Task.sleep(for: .seconds(2))   // a few retry periods: still nobody campaigns
        #expect(try await holder() == nil)
        #expect(try pool.forgingPods().isEmpty)
        try pool.assertNoOverlap()
    }

    @Test("rotation under a forging leader: new KES key and certificate with a higher counter installed and signalled; standbys see it; no overlap")
    func rotation() async throws {
        let root = NSTemporaryDirectory() + "rot-\(UUID().uuidString.prefix(8))"
        let net = try Self.network(root: root, slotsPerSecond: 0.01, systemStart: Date().timeIntervalSince1970)
        defer { try? FileManager.default.removeItem(atPath: root + "-shelley-genesis.json") }
        let pool = try await PoolHarness(podCount: 3, extraEnvironment: net.extra, nodeMetrics: true, nodeEnvironment: net.node)
        defer { pool.shutdown() }
        let leader = try await pool.waitForSteadyState()
        let oldCert = try String(contentsOfFile: leader.targetKeys[2], encoding: .utf8)
        try await eventually(timeout: .seconds(8), "every pod inspected counter 1") {
            for pod in pool.pods {
                guard try await pod.report()?.credentials.source?.issueCounter == 1 else { return false }
            }
            return true
        }
        let enablesBefore = try Self.enables(in: leader)

        // The operator's rotation: a new KES key, a certificate with counter 2, into the Secret;
        // the kubelet updates each pod's volume at its own moment.
        let rotated = try pool.credentials.rotatedKESKey()
        for pod in pool.pods {
            try rotated.writeSecretVolume(to: pod.directory + "/secrets", counter: 2, kesPeriod: 0)
            try await Task.sleep(for: .milliseconds(300))   // the kubelet updates each pod at its own moment
        }
        let newCert = try String(contentsOfFile: pool.pods[0].directory + "/secrets/node.cert", encoding: .utf8)
        let newSHA = Hex.encode(try Self.sha256(newCert))

        // The leader installs the new files and signals its node; it keeps forging throughout.
        try await eventually(timeout: .seconds(10), "the leader installed the new certificate") {
            let installed = try String(contentsOfFile: leader.targetKeys[2], encoding: .utf8)
            let report = try await leader.report()
            return installed == newCert && report?.credentials.sha256 == newSHA && report?.forging.enabled == true
        }
        #expect(try String(contentsOfFile: leader.targetKeys[0], encoding: .utf8) == rotated.kesKeyEnvelope)
        #expect(oldCert != newCert)
        try await eventually(timeout: .seconds(5), "the node was signalled and re-enabled forging") {
            try Self.enables(in: leader) > enablesBefore
        }
        // Every pod's report shows the new certificate; the region's judgement is consistent.
        var pods: [RegionCredentialsJudge.Pod] = []
        try await eventually(timeout: .seconds(10), "every report shows counter 2 and the new certificate") {
            pods = []
            for pod in pool.pods {
                guard let source = try await pod.report()?.credentials.source, source.issueCounter == 2,
                      source.opcertSHA256 == newSHA, source.kesKeyMatches == true, source.verdict == .usable else { return false }
                pods.append(.init(name: pod.name, inspection: source))
            }
            return true
        }
        let region = RegionCredentialsJudge.judge(pods: pods, peers: [], peerTimeout: .seconds(60), now: Date())
        #expect(region.summary?.consistent == true && region.summary?.issueCounter == 2 && region.notUsable == nil)
        #expect(try pool.forgingPods().map(\.name) == [leader.name], "the leader kept forging alone")
        try pool.assertNoOverlap()
    }

    /// "Enabling block forging" lines in the pod's node log.
    static func enables(in pod: PodHarness) throws -> Int {
        let log = (try? String(contentsOfFile: pod.nodeLog, encoding: .utf8)) ?? ""
        return log.components(separatedBy: "Enabling block forging").count - 1
    }

    static func sha256(_ text: String) throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "sha-\(UUID().uuidString)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Hex.decode(String(String(decoding: output, as: UTF8.self).prefix(64))) ?? []
    }
}
