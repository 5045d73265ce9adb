import ForgeCore
import Foundation
import KubeClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `forge-aggregator` binary against the API emulator: pods appear, change, go
/// stale and are deleted; corrupt annotations; status fields, printer columns, CardanoLeader.
@Suite(.serialized) struct AggregatorPodsIntegrationTests {
    @Test func podReportsFlowIntoStatus() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let name = try await fixture.createCluster(region: "eu", priority: 10, podSelector: ["app": "bp"], gracePeriod: "3s")
        try await fixture.createLeaderResource()
        try await fixture.publish(pod: "bp-0", annotation: AggregatorFixture.report(pod: "bp-0", sequence: 1, leader: true, forging: true))
        try await fixture.publish(pod: "bp-1", annotation: AggregatorFixture.report(pod: "bp-1", sequence: 1, leader: false, forging: false))
        try await fixture.publish(pod: "bp-2", annotation: "{corrupt")
        let aggregator = try fixture.startAggregator(region: "eu", identity: "agg-eu")

        // bp-0 keeps publishing (a live reporter); bp-1 stops after its first report.
        let publisher = Task {
            var sequence: Int64 = 2
            while !Task.isCancelled {
                try? await fixture.publish(pod: "bp-0", annotation: AggregatorFixture.report(pod: "bp-0", sequence: sequence, leader: true, forging: true))
                sequence += 1
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        defer { publisher.cancel() }

        try await eventually(timeout: .seconds(15), "all three pods in status") {
            try await fixture.status(name)?.totalPods == 3
        }
        var status = try #require(try await fixture.status(name))
        let corrupt = try #require(status.reportingPods?.first { $0.podName == "bp-2" })
        #expect(corrupt.phase == "error" && corrupt.fresh == false)
        #expect(corrupt.message?.contains("JSON") == true)
        #expect(status.activeLeader == "bp-0")
        #expect(status.forgingEnabled == true)
        #expect(status.observedGeneration == 1)
        #expect(status.conditions?.first { $0.type == "Degraded" }?.reason == "ReportErrors")

        // bp-1's report stops changing: not fresh once the 3 s grace period has passed.
        try await eventually(timeout: .seconds(10), "bp-1 goes stale") {
            try await fixture.status(name)?.reportingPods?.first { $0.podName == "bp-1" }?.fresh == false
        }
        status = try #require(try await fixture.status(name))
        #expect(status.reportingPods?.first { $0.podName == "bp-0" }?.fresh == true, "the live reporter stays fresh")
        #expect(status.freshPods == 1)

        // A corrected annotation is picked up; a deleted pod leaves the status at once.
        try await fixture.publish(pod: "bp-2", annotation: AggregatorFixture.report(pod: "bp-2", sequence: 1, leader: false, forging: false))
        try await eventually(timeout: .seconds(5), "bp-2 usable again") {
            try await fixture.status(name)?.reportingPods?.first { $0.podName == "bp-2" }?.phase == "standby"
        }
        try await fixture.deletePod("bp-1")
        try await eventually(timeout: .seconds(3), "bp-1 leaves the status") {
            let pods = try await fixture.status(name)?.reportingPods ?? []
            return !pods.contains { $0.podName == "bp-1" }
        }
        #expect(try await fixture.status(name)?.totalPods == 2)

        // All of it came through a metadata-only pod list and watch: the list asked for a
        // PartialObjectMetadataList, the watch (logged once it ends: cut it) for PartialObjectMetadata.
        try await fixture.emulator.cutWatches()
        let asked: @Sendable () async throws -> [LoggedRequest] = {
            try await fixture.emulator.requestLog().filter {
                $0.method == "GET" && $0.path.hasSuffix("/pods") && ($0.userAgent ?? "").hasPrefix("forge-aggregator")
            }
        }
        try await eventually(timeout: .seconds(5), "the cut pod watch logged") { try await asked().contains { $0.query.contains("watch=1") } }
        for request in try await asked() {
            let conversion = request.query.contains("watch=1") ? "as=PartialObjectMetadata;" : "as=PartialObjectMetadataList;"
            #expect(request.accept?.hasPrefix("application/json;\(conversion)") == true, "\(request.query): \(request.accept ?? "no Accept")")
        }
        #expect(try await asked().contains { !$0.query.contains("watch=1") }, "the list is logged too")

        // lastTransition stays while nothing really changes (bp-0's reports keep coming).
        let before = try #require(try await fixture.status(name))
        try await fixture.leaseRenewals(region: "eu", count: 4)
        let after = try #require(try await fixture.status(name))
        #expect(after.lastTransition == before.lastTransition)
        #expect(after.conditions?.first { $0.type == "Forging" }?.lastTransitionTime
            == before.conditions?.first { $0.type == "Forging" }?.lastTransitionTime)

        // CardanoLeader mirrors the pool's status.
        let leader = try await fixture.client.get(.cardanoLeaders, namespace: AggregatorFixture.namespace,
                                                  name: "cardano-leader-mainnet-abababab", as: CardanoLeader.self)
        #expect(leader.status?.leaderPod == "bp-0")
        #expect(leader.status?.forgingEnabled == true)

        // Every printer column of the CRD that reads status points at a field we fill.
        let raw = try await fixture.rawStatus(name)
        // The credentials columns stay empty (unknown) until reports carry credential
        // inspections; AggregatorCredentialsIntegrationTests fills and checks them.
        for path in try await statusPrinterColumns(fixture) where !path.hasPrefix("credentials.") {
            var value: Any? = raw
            for key in path.split(separator: ".") { value = (value as? [String: Any])?[String(key)] }
            #expect(value != nil, "printer column .status.\(path) is not filled")
        }
        _ = aggregator.signal(SIGTERM)
        #expect(await aggregator.waitExit(timeout: .seconds(10)) == 0, "aggregator did not stop cleanly on SIGTERM")
        // A normal stop cancels the HTTP server: not an error in the log.
        // Lines are JSON objects with a "level" key (ForgeCLI's JSONLogHandler).
        let errors = aggregator.output.split(separator: "\n").filter { line in
            line.contains(#""level":"error""#) || line.contains(#""level":"critical""#)
        }
        #expect(errors.isEmpty, "\(errors)")
    }

    /// Watches cut and the history compacted (the next watch gets 410 Gone and relists):
    /// the aggregator keeps following reports.
    @Test func followsReportsAcrossWatchCutsAndRelists() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let name = try await fixture.createCluster(region: "eu", priority: 10, podSelector: ["app": "bp"], gracePeriod: "30s")
        try await fixture.publish(pod: "bp-0", annotation: AggregatorFixture.report(pod: "bp-0", sequence: 1, leader: true, forging: false))
        let aggregator = try fixture.startAggregator(region: "eu", identity: "agg-eu")
        try await eventually(timeout: .seconds(15), "bp-0 reported") {
            try await fixture.status(name)?.activeLeader == "bp-0"
        }
        for round in 2...3 {
            try await fixture.emulator.compactHistory()
            try await fixture.emulator.cutWatches()
            try await fixture.publish(pod: "bp-1", annotation: AggregatorFixture.report(pod: "bp-1", sequence: Int64(round), leader: false, forging: false))
            try await fixture.publish(pod: "bp-0", annotation: AggregatorFixture.report(pod: "bp-0", sequence: Int64(round), leader: true, forging: round == 3))
            try await eventually(timeout: .seconds(15), "round \(round) seen after the cut") {
                let status = try await fixture.status(name)
                return status?.totalPods == 2 && status?.reportingPods?.first { $0.podName == "bp-0" }?.forging == (round == 3)
            }
        }
        #expect(aggregator.isRunning)
        let podLists = try await fixture.emulator.requestLog().filter {
            $0.method == "GET" && $0.path.hasSuffix("/namespaces/cardano/pods") && !$0.query.contains("watch")
        }
        #expect(podLists.count >= 3, "expected a relist after each compaction, saw \(podLists.count) lists")
    }

    /// `jsonPath`s under `.status.` of the CardanoForgeCluster CRD's printer columns, read
    /// back from the API server the chart's CRD YAML was installed into.
    func statusPrinterColumns(_ fixture: AggregatorFixture) async throws -> [String] {
        let path = ResourceType.customResourceDefinitions.path(namespace: nil, name: "cardanoforgeclusters.cardano.io")
        let (code, body) = try await fixture.client.send(method: "GET", path: path)
        #expect(code == 200)
        let crd = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let versions = try #require((crd["spec"] as? [String: Any])?["versions"] as? [[String: Any]])
        let columns = versions.flatMap { $0["additionalPrinterColumns"] as? [[String: Any]] ?? [] }
        let paths = columns.compactMap { $0["jsonPath"] as? String }.filter { $0.hasPrefix(".status.") }
        #expect(paths.count >= 5)
        return paths.map { String($0.dropFirst(".status.".count)) }
    }

    @Test func onlyTheLeaseHolderWrites() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let name = try await fixture.createCluster(region: "eu", priority: 10)
        let first = try fixture.startAggregator(region: "eu", identity: "agg-a")
        let second = try fixture.startAggregator(region: "eu", identity: "agg-b")
        try await eventually(timeout: .seconds(15), "the status is written") {
            try await fixture.status(name)?.writtenBy != nil
        }
        try await fixture.leaseRenewals(region: "eu", count: 4)
        func writers() async throws -> [String: Int] {
            var counts: [String: Int] = [:]
            for entry in try await fixture.emulator.requestLog()
            where entry.method == "PATCH" && entry.path.hasSuffix("/cardanoforgeclusters/\(name)/status") {
                counts[entry.userAgent ?? "?", default: 0] += 1
            }
            return counts
        }
        let initial = try await writers()
        #expect(initial.count == 1, "status written by \(initial)")
        let holder = try #require(initial.keys.first)
        let (leading, standby) = holder.hasSuffix("agg-a") ? (first, second) : (second, first)

        // The holder stops (releasing its lease); the other replica takes over the writing.
        _ = leading.signal(SIGTERM)
        #expect(await leading.waitExit(timeout: .seconds(10)) == 0)
        let standbyName = holder.hasSuffix("agg-a") ? "agg-b" : "agg-a"
        try await eventually(timeout: .seconds(10), "the standby's term rewrites the status") {
            try await fixture.status(name)?.writtenBy?.holder == standbyName
        }
        // No CardanoLeader exists in this test: never created, never patched (its absence is
        // known from the informer, not learnt from 404s), and said once per replica.
        let leaders = try await fixture.emulator.requestLog().filter { $0.path.contains("/cardanoleaders") }
        #expect(!leaders.contains { $0.method != "GET" }, "\(leaders.map { "\($0.method) \($0.path)" })")
        #expect(leading.output.components(separatedBy: "does not exist (the chart creates it)").count == 2, "\(leading.output)")
        let later = try await writers()
        #expect(later.count == 2, "expected the second replica to write after the first stopped: \(later)")
        #expect(standby.isRunning)

        // Created later (as the chart would): seen through the watch and filled at once.
        try await fixture.createLeaderResource()
        try await eventually(timeout: .seconds(10), "the new CardanoLeader gets its status") {
            let leader = try await fixture.client.get(.cardanoLeaders, namespace: AggregatorFixture.namespace,
                                                      name: "cardano-leader-mainnet-abababab", as: CardanoLeader.self)
            return leader.status?.forgingEnabled == true
        }
        #expect(standby.output.contains("CardanoLeader cardano-leader-mainnet-abababab exists now"))
    }
}
