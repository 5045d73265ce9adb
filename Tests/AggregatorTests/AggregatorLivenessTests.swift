import ForgeCore
import Foundation
import KubeClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Region liveness through the aggregator's own Lease (docs/SAFETY.md, "Region liveness"):
/// status is written only when it changes, every status names the term that wrote it, and the
/// Lease is renewed only while the aggregator's writes are current.
@Suite(.serialized) struct AggregatorLivenessTests {
    static let lease = "forge-aggregator-eu"

    func lease(_ fixture: AggregatorFixture) async throws -> Lease? {
        try? await fixture.client.get(.leases, namespace: AggregatorFixture.namespace, name: Self.lease, as: Lease.self)
    }

    /// The Lease's resourceVersion does not change during `window` (polled).
    func leaseStaysStill(_ fixture: AggregatorFixture, for window: Duration) async throws -> Bool {
        let first = try await lease(fixture)?.metadata.resourceVersion
        let clock = ContinuousClock(), end = clock.now + window
        while clock.now < end {
            if try await lease(fixture)?.metadata.resourceVersion != first { return false }
            try await Task.sleep(for: .milliseconds(100))
        }
        return true
    }

    func statusWrites(_ fixture: AggregatorFixture, since: Int) async throws -> Int {
        try await fixture.emulator.requestLog(since: since).filter {
            $0.method == "PATCH" && $0.path.contains("cardanoforgeclusters/") && $0.path.hasSuffix("/status")
        }.count
    }

    @Test func statusIsWrittenOnlyWhenItChangesAndNamesItsTerm() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let name = try await fixture.createCluster(region: "eu", priority: 10)
        let aggregator = try fixture.startAggregator(region: "eu", identity: "agg-a")
        defer { _ = aggregator.signal(SIGKILL) }
        try await eventually(timeout: .seconds(20), "the status names agg-a's term") {
            try await fixture.status(name)?.writtenBy?.holder == "agg-a"
        }
        let held = try #require(try await lease(fixture))
        let term = try #require(try await fixture.status(name)?.writtenBy)
        #expect(term == AggregatorTerm(lease: Self.lease, record: KubeLeaseLock.record(of: held)))
        // With the heartbeat interval at 1 s the old aggregator wrote every second; now a
        // quiet pool costs no status write at all, while the Lease keeps being renewed.
        try await Task.sleep(for: .seconds(1))   // let the first writes' echoes settle
        let mark = try await fixture.emulator.requestLog().last?.seq ?? 0
        let version = held.metadata.resourceVersion
        try await eventually(timeout: .seconds(5), "the Lease is renewed") {
            try await lease(fixture)?.metadata.resourceVersion != version
        }
        var quiet = 0
        for _ in 0..<30 {
            quiet = try await statusWrites(fixture, since: mark)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(quiet == 0, "status writes in a quiet 3 s window")
        // A real change is written at once, with the counter moved on.
        let before = try await fixture.status(name)?.heartbeat ?? 0
        try await fixture.publish(pod: "bp-0", annotation: try AggregatorFixture.report(pod: "bp-0", sequence: 1, leader: true, forging: false))
        try await eventually(timeout: .seconds(5), "the new pod is in the status") {
            let status = try await fixture.status(name)
            return status?.totalPods == 1 && (status?.heartbeat ?? 0) > before
        }
    }

    @Test func failingWritesStopTheLeaseAndANewTermRewritesEveryStatus() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let name = try await fixture.createCluster(region: "eu", priority: 10)
        let aggregator = try fixture.startAggregator(region: "eu", identity: "agg-a", extra: ["--write-staleness", "2s"])
        defer { _ = aggregator.signal(SIGKILL) }
        try await eventually(timeout: .seconds(20), "the status names agg-a's term") {
            try await fixture.status(name)?.writtenBy?.holder == "agg-a"
        }
        let firstTerm = try await fixture.status(name)?.writtenBy
        // Every status write fails from now on, while the Lease itself could still be renewed.
        _ = try await fixture.emulator.addFault(FaultRule(method: "PATCH", pathRegex: "cardanoforgeclusters/.*/status", status: 500))
        try await fixture.publish(pod: "bp-0", annotation: try AggregatorFixture.report(pod: "bp-0", sequence: 1, leader: true, forging: false))
        // Owed for more than 2 s: the aggregator stops renewing (within 2 s + a renewal), and
        // stays away from the Lease for --peer-timeout (6 s).
        try await eventually(timeout: .seconds(15), "the Lease goes still") {
            try await leaseStaysStill(fixture, for: .seconds(2))
        }
        #expect(try await leaseStaysStill(fixture, for: .seconds(3)), "still while stepped down")
        let metrics = try await scrapeMetrics(aggregator)
        #expect(metrics.contains("cardano_aggregator_liveness_step_downs_total 1") || metrics.contains("cardano_aggregator_liveness_step_downs_total 2"))
        // Writes work again: a new term (same holder, new acquireTime) rewrites the status.
        try await fixture.emulator.clearFaults()
        try await eventually(timeout: .seconds(20), "a new term wrote the status") {
            let status = try await fixture.status(name)
            return status?.totalPods == 1 && status?.writtenBy != nil && status?.writtenBy != firstTerm
        }
        let now = try #require(try await lease(fixture))
        #expect(try await fixture.status(name)?.writtenBy == AggregatorTerm(lease: Self.lease, record: KubeLeaseLock.record(of: now)))
    }

    @Test func throttledWritesStopTheLease() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        _ = try await fixture.createCluster(region: "eu", priority: 10)
        // Five more pools of the region: with one write per 5 s allowed, the first pass owes
        // more than --write-staleness can absorb.
        for index in 1...5 {
            let spec = CardanoForgeClusterSpec(
                network: .init(name: "mainnet", magic: 764824073), pool: .init(id: String(repeating: "c\(index)", count: 28), ticker: "T\(index)"),
                region: "eu", forgeState: .priorityBased, priority: 10)
            _ = try await fixture.client.create(.cardanoForgeClusters, namespace: AggregatorFixture.namespace,
                                                CardanoForgeCluster(metadata: ObjectMeta(name: "pool-\(index)-eu"), spec: spec))
        }
        let aggregator = try fixture.startAggregator(region: "eu", identity: "agg-a",
                                                     extra: ["--write-staleness", "2s", "--kube-qps", "0.2", "--kube-burst", "2"])
        defer { _ = aggregator.signal(SIGKILL) }
        try await eventually(timeout: .seconds(30), "the throttled aggregator steps down") {
            try await scrapeMetrics(aggregator).contains("cardano_aggregator_liveness_step_downs_total 1")
        }
        #expect(try await leaseStaysStill(fixture, for: .seconds(2)), "no renewal while stepped down")
    }
}
