import ForgeCore
import Foundation
import KubeClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two regions of one pool, each with its own `forge-aggregator`, sampled continuously: at
/// no point may both allow forging. (Both regions share one emulator namespace here; the
/// cross-API-server path is `--peer-kubeconfig`, exercised in `peerKubeconfigIsReadOnly`.)
@Suite(.serialized) struct AggregatorRegionsIntegrationTests {
    @Test func failingHealthMovesForgingOnlyAfterThePrimaryTurnsOff() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let health = try await HealthEndpoint()
        let primary = try await fixture.createCluster(region: "eu", priority: 10, healthEndpoint: health.url)
        let secondary = try await fixture.createCluster(region: "us", priority: 20)
        let euAggregator = try fixture.startAggregator(region: "eu", identity: "agg-eu")
        let usAggregator = try fixture.startAggregator(region: "us", identity: "agg-us")

        let (sampler, sampling) = try await fixture.samplingOnceSettled(primary: primary, secondary: secondary)
        defer { sampling.cancel() }

        try health.answer(503)
        try await eventually(timeout: .seconds(20), "secondary takes over") {
            try await fixture.status(secondary)?.forgingEnabled == true
        }
        let eu = try #require(try await fixture.status(primary))
        #expect(eu.forgingEnabled == false)
        #expect(eu.healthStatus?.healthy == false)
        #expect((eu.healthStatus?.consecutiveFailures ?? 0) >= 3)
        #expect(eu.effectivePriority == 110, "unhealthy shows +100")
        #expect(eu.reason == "Unhealthy")
        try await eventually(timeout: .seconds(5), "the sampler saw the secondary on") {
            await sampler.history.contains { $0.second == true }
        }
        let euMetrics = try await scrapeMetrics(euAggregator)
        let usMetrics = try await scrapeMetrics(usAggregator)
        let euLabels = #"cluster="\#(primary)",region="eu",network="mainnet",pool_id="\#(AggregatorFixture.poolId)""#
        let usLabels = #"cluster="\#(secondary)",region="us",network="mainnet",pool_id="\#(AggregatorFixture.poolId)""#
        #expect(euMetrics.contains("cardano_cluster_health_check_success{\(euLabels)} 0"), "\(euMetrics)")
        #expect(euMetrics.contains(#"cardano_cluster_forge_enabled{cluster="\#(primary)",region="eu",network="mainnet",pool_id="\#(AggregatorFixture.poolId)"} 0"#), "\(euMetrics)")
        #expect(euMetrics.contains(#"cardano_cluster_forge_priority{cluster="\#(primary)",region="eu",network="mainnet",pool_id="\#(AggregatorFixture.poolId)"} 110"#))
        #expect(euMetrics.contains("cardano_cluster_health_check_consecutive_failures{\(euLabels)}"))
        #expect(usMetrics.contains(#"cardano_cluster_forge_enabled{cluster="\#(secondary)",region="us",network="mainnet",pool_id="\#(AggregatorFixture.poolId)"} 1"#), "\(usMetrics)")
        #expect(usMetrics.contains(#"cardano_cluster_reporting_pods{\#(usLabels),fresh="true"} 0"#), "\(usMetrics)")
        // Every series the chart's alert rules read, with every label they group by.
        let problems = try AlertRuleCheck.problems(scrape: euMetrics)
        #expect(problems.isEmpty, "\(problems)")
        sampling.cancel()
        _ = await sampling.value
        let history = await sampler.history
        let both = await sampler.bothEnabled
        #expect(both.isEmpty, "both regions allowed forging: \(both)")
        // The secondary's first "true" comes after a sample where the primary showed false.
        let firstOn = try #require(history.firstIndex { $0.second == true })
        #expect(history[..<firstOn].contains { $0.first == false })

        // Healthy again: the primary ranks best again and gets forging back, still never both.
        let sampling2 = Task { await sampler.run(fixture, primary, secondary) }
        defer { sampling2.cancel() }
        try health.answer(200)
        try await eventually(timeout: .seconds(20), "primary forges again") {
            try await fixture.status(primary)?.forgingEnabled == true
        }
        #expect(try await fixture.status(secondary)?.forgingEnabled == false)
        sampling2.cancel()
        _ = await sampling2.value
        let bothAfter = await sampler.bothEnabled
        #expect(bothAfter.isEmpty, "both regions allowed forging: \(bothAfter)")
    }

    @Test func killedPrimaryIsReplacedOnlyAfterThePeerTimeout() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let primary = try await fixture.createCluster(region: "eu", priority: 10)
        let secondary = try await fixture.createCluster(region: "us", priority: 20)
        let euAggregator = try fixture.startAggregator(region: "eu", identity: "agg-eu")
        let usAggregator = try fixture.startAggregator(region: "us", identity: "agg-us")
        _ = usAggregator
        let (sampler, sampling) = try await fixture.samplingOnceSettled(primary: primary, secondary: secondary)
        defer { sampling.cancel() }

        let lastBeat = try await fixture.status(primary)?.heartbeat
        _ = euAggregator.signal(SIGKILL)
        let killedAt = ContinuousClock.now
        try await eventually(timeout: .seconds(20), "secondary takes over") {
            try await fixture.status(secondary)?.forgingEnabled == true
        }
        let elapsed = ContinuousClock.now - killedAt
        // The primary's aggregator Lease was last renewed at most one retry period (0.5 s)
        // before the kill; the secondary's recompute tick adds at most 0.5 s more.
        #expect(elapsed >= AggregatorFixture.peerTimeout - .milliseconds(1500), "took over after only \(elapsed)")
        let stale = try await fixture.status(primary)
        #expect(stale?.forgingEnabled == true, "the dead primary's last status still says true")
        #expect((stale?.heartbeat ?? 0) <= (lastBeat ?? 0) + 1)
        let us = try #require(try await fixture.status(secondary))
        #expect(us.message?.contains("stale") == true, "\(us.message ?? "")")
        sampling.cancel()
        _ = await sampling.value
        // The dead primary's status keeps saying true; what matters is the takeover delay.
        #expect(await sampler.samples > 20)
    }

    /// A peer region behind another API server: read through --peer-kubeconfig (never
    /// written), and its forgingEnabled: true keeps this region off.
    @Test func peerKubeconfigIsReadOnly() async throws {
        let home = try await AggregatorFixture.start()
        defer { home.emulator.stop() }
        let remote = try await AggregatorFixture.start()
        defer { remote.emulator.stop() }
        let peer = try await remote.createCluster(region: "eu", priority: 10)
        let ours = try await home.createCluster(region: "us", priority: 20)
        let remoteAggregator = try remote.startAggregator(region: "eu", identity: "agg-eu")
        _ = remoteAggregator
        try await eventually(timeout: .seconds(15), "remote region forges") {
            try await remote.status(peer)?.forgingEnabled == true
        }
        // The peer kubeconfig's context has no namespace; the aggregator uses its own.
        let local = try home.startAggregator(region: "us", identity: "agg-us",
                                             extra: ["--peer-kubeconfig", remote.emulator.kubeconfigPath])
        _ = local
        try await eventually(timeout: .seconds(15), "our region shows its decision") {
            try await home.status(ours)?.reason == "NotBestRanked"
        }
        let status = try #require(try await home.status(ours))
        #expect(status.forgingEnabled == false)
        #expect(status.reason == "NotBestRanked")
        #expect(status.message?.contains(peer) == true)
        let writes = try await remote.emulator.requestLog().filter { $0.method != "GET" && ($0.userAgent ?? "").hasSuffix("agg-us") }
        #expect(writes.isEmpty, "wrote to the peer's API server: \(writes.map { "\($0.method) \($0.path)" })")
    }
}
