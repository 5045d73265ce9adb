import ForgeCore
import Foundation
import KubeClient
import TestSupport
import Testing

/// `kubectl describe cfc` tells the story: the real forge-aggregator writes events.k8s.io/v1
/// Events about its CardanoForgeCluster, in order, read back through the core/v1 view that
/// kubectl describe lists (involvedObject field selector).
@Suite(.serialized) struct AggregatorEventsIntegrationTests {
    static func reasons(_ fixture: AggregatorFixture, _ name: String) async throws -> [String] {
        let list = try await fixture.client.list(
            ResourceType(group: "", version: "v1", plural: "events"), namespace: AggregatorFixture.namespace,
            options: ListOptions(fieldSelector: "involvedObject.name=\(name),involvedObject.kind=CardanoForgeCluster"),
            as: JSONValue.self)
        let events: [(time: String, reason: String)] = list.items.compactMap { item in
            guard case .object(let event) = item, case .string(let time)? = event["eventTime"],
                  case .string(let reason)? = event["reason"] else { return nil }
            return (time, reason)
        }
        return events.sorted { $0.time < $1.time }.map(\.reason)
    }

    @Test func anOverrideStoryIsToldInOrder() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let name = try await fixture.createCluster(
            region: "eu", priority: 10, forgeState: .disabled,
            override: .init(enabled: true, reason: "maintenance", forceState: .enabled))
        let aggregator = try fixture.startAggregator(region: "eu", identity: "agg-eu")
        try await eventually(timeout: .seconds(15), "the override turns forging on") {
            try await fixture.status(name)?.forgingEnabled == true
        }
        let expiresAt = RFC3339.format(Date().addingTimeInterval(2))
        let patch = try JSONSerialization.data(withJSONObject: ["spec": ["override": ["expiresAt": expiresAt]]])
        _ = try await fixture.client.send(
            method: "PATCH", path: ResourceType.cardanoForgeClusters.path(namespace: AggregatorFixture.namespace, name: name),
            body: patch, contentType: "application/merge-patch+json")
        try await eventually(timeout: .seconds(20), "back to forgeState Disabled") {
            try await fixture.status(name)?.forgingEnabled == false
        }
        try await eventually(timeout: .seconds(10), "the events are written") {
            try await Self.reasons(fixture, name).contains("RegionWithdrawn")
        }
        let told = try await Self.reasons(fixture, name)
        // The first pass already sees the override in force (no "applied" transition to tell
        // before it); then the decision, the expiry and the withdrawal, in that order.
        #expect(told == ["RegionAllowed", "OverrideExpired", "RegionWithdrawn"]
            || told == ["OverrideApplied", "RegionAllowed", "OverrideExpired", "RegionWithdrawn"], "\(told)")
        #expect(aggregator.isRunning)
    }
}
