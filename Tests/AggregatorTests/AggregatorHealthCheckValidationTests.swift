import ForgeCore
import Foundation
import KubeClient
import TestSupport
import Testing

/// Health-check settings that cannot be sent safely never reach the endpoint: the status says
/// why, and the region counts as unhealthy (issue #9, hole 11).
@Suite(.serialized) struct AggregatorHealthCheckValidationTests {
    func cluster(region: String, headers: [String: String], endpoint: String, interval: String = "1s") -> CardanoForgeCluster {
        var spec = CardanoForgeClusterSpec(
            network: .init(name: "mainnet", magic: 764824073), pool: .init(id: AggregatorFixture.poolId, ticker: "TEST"),
            region: region, priority: 10, gracePeriod: "3s")
        spec.healthCheck = .init(enabled: true, endpoint: endpoint, interval: interval, timeout: "1s", failureThreshold: 2, headers: headers)
        return CardanoForgeCluster(metadata: ObjectMeta(name: "mainnet-abababab-\(region)"), spec: spec)
    }

    @Test func headerThatIsNoHTTPTokenIsNeverSent() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let health = try await HealthEndpoint()
        let object = cluster(region: "us", headers: ["Bad Name": "v"], endpoint: health.url)
        _ = try await fixture.client.create(.cardanoForgeClusters, namespace: AggregatorFixture.namespace, object)
        let aggregator = try fixture.startAggregator(region: "us", identity: "agg-us")
        _ = aggregator
        try await eventually(timeout: .seconds(20), "the status shows the refused header") {
            let status = try await fixture.status(object.name)
            return status?.healthStatus?.healthy == false
                && status?.healthStatus?.message?.contains("not an HTTP header name") == true
        }
        let status = try #require(try await fixture.status(object.name))
        #expect(status.forgingEnabled == false && status.reason == "Unhealthy", "\(status.reason ?? "")")
        #expect(health.served.isEmpty, "the probe was sent: \(health.served)")
    }

    @Test func outOfBoundsIntervalIsClampedAndSaid() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let health = try await HealthEndpoint()
        // The emulator does not run CRD CEL rules (a real API server refuses this object).
        let object = cluster(region: "us", headers: [:], endpoint: health.url, interval: "100ms")
        _ = try await fixture.client.create(.cardanoForgeClusters, namespace: AggregatorFixture.namespace, object)
        let aggregator = try fixture.startAggregator(region: "us", identity: "agg-us")
        _ = aggregator
        try await eventually(timeout: .seconds(20), "the status message names the clamped interval") {
            try await fixture.status(object.name)?.message?.contains("healthCheck.interval 100ms is outside 1s..3600s; using 1s") == true
        }
        #expect(try await fixture.status(object.name)?.healthStatus?.healthy == true)
    }

    @Test func lineBreakInAHeaderValueIsRefusedByTheSchema() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let object = cluster(region: "us", headers: ["X-Token": "a\r\nX-Injected: 1"], endpoint: "http://127.0.0.1:9/health")
        let error = await #expect(throws: KubeAPIError.self) {
            _ = try await fixture.client.create(.cardanoForgeClusters, namespace: AggregatorFixture.namespace, object)
        }
        #expect(error?.code == 422, "\(String(describing: error))")
    }
}
