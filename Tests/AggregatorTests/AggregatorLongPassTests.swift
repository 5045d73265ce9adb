import ForgeCore
import Foundation
import KubeClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A pass that writes many statuses takes long at scale (a new term rewrites every pool:
/// 1 000 patches are ~20 s at --kube-qps 50). While its writes keep being answered the
/// recompute loop is making progress, not stalled: the replica keeps vouching for its region.
/// Found by scripts/bench-aggregator.sh at 1000 pools: the pass counted as a stall, the
/// replica stepped down, lost its Lease, and the next term rewrote everything again.
@Suite(.serialized) struct AggregatorLongPassTests {
    @Test func aLongPassOfAnsweredWritesIsNoStall() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        // 40 pools of the region; every status patch answered after 3 s. Eight patches in
        // flight: the first pass takes ~15 s, longer than the 10 s stall window (10 ticks + 5 s
        // at --heartbeat-interval 1s) and shorter than --write-staleness.
        for index in 1...40 {
            let spec = CardanoForgeClusterSpec(
                network: .init(name: "mainnet", magic: 764824073),
                pool: .init(id: String(format: "%08x", index) + String(repeating: "cd", count: 24), ticker: "T\(index)"),
                region: "eu", forgeState: .priorityBased, priority: 10)
            _ = try await fixture.client.create(.cardanoForgeClusters, namespace: AggregatorFixture.namespace,
                                                CardanoForgeCluster(metadata: ObjectMeta(name: "pool-\(index)-eu"), spec: spec))
        }
        _ = try await fixture.emulator.addFault(FaultRule(method: "PATCH", pathRegex: "cardanoforgeclusters/.*/status",
                                                           delaySeconds: 3, times: 40))
        let aggregator = try fixture.startAggregator(region: "eu", identity: "agg-a", extra: ["--write-staleness", "30s"])
        defer { _ = aggregator.signal(SIGKILL) }
        try await eventually(timeout: .seconds(60), "every pool's first status stored") {
            var stored = 0
            for index in 1...40 {
                let cluster = try await fixture.client.get(.cardanoForgeClusters, namespace: AggregatorFixture.namespace,
                                                           name: "pool-\(index)-eu", as: CardanoForgeCluster.self)
                if cluster.status?.writtenBy != nil { stored += 1 }
            }
            return stored == 40
        }
        #expect(!aggregator.output.contains("recompute loop has stalled"), "the long pass was taken for a stall")
        // The step-down counter appears with the first step-down.
        #expect(!(try await scrapeMetrics(aggregator).contains("cardano_aggregator_liveness_step_downs_total")))
        // And it still holds its Lease: renewed after the pass.
        try await fixture.leaseRenewals(region: "eu", count: 2)
    }
}
