import ForgeCore
import Foundation
import KubeClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Spec and flag behaviour end to end, with the real `forge-aggregator` against the emulator:
/// an override that expires with nobody touching the CR, `--healthy-after`, `--pod-selector`.
@Suite(.serialized) struct AggregatorSpecIntegrationTests {
    @Test func overrideExpiresByItself() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        // Disabled, but forced on by an override that has no expiry yet.
        let name = try await fixture.createCluster(
            region: "eu", priority: 10, forgeState: .disabled,
            override: .init(enabled: true, reason: "maintenance", forceState: .enabled))
        let aggregator = try fixture.startAggregator(region: "eu", identity: "agg-eu")
        try await eventually(timeout: .seconds(15), "the override turns forging on") {
            let status = try await fixture.status(name)
            return status?.forgingEnabled == true && status?.message?.contains("override (maintenance) active") == true
        }
        // Bounded now; the expiry is set only once the override is seen in force, so a slow
        // start cannot make it expire before it was ever observed.
        let expiresAt = RFC3339.format(Date().addingTimeInterval(3))
        // As the aggregator reads it (the text has whole seconds).
        let expiry = try #require(RFC3339.parse(expiresAt))
        let patch = try JSONSerialization.data(withJSONObject: ["spec": ["override": ["expiresAt": expiresAt]]])
        let (code, _) = try await fixture.client.send(
            method: "PATCH", path: ResourceType.cardanoForgeClusters.path(namespace: AggregatorFixture.namespace, name: name),
            body: patch, contentType: "application/merge-patch+json")
        #expect(code == 200)
        try await eventually(timeout: .seconds(10), "the status names the expiry") {
            try await fixture.status(name)?.message?.contains("active until \(expiresAt)") == true
        }
        try await eventually(timeout: .seconds(20), "back to forgeState Disabled") {
            try await fixture.status(name)?.forgingEnabled == false
        }
        let now = Date()
        #expect(now >= expiry, "forging turned off before the override expired")
        let status = try #require(try await fixture.status(name))
        #expect(status.message?.contains("override (maintenance) expired at \(expiresAt)") == true, "\(status.message ?? "")")
        #expect(!(status.message ?? "").contains("active until"))
        // Nothing but time changed: the spec is as we left it.
        let cluster = try await fixture.client.get(.cardanoForgeClusters, namespace: AggregatorFixture.namespace, name: name,
                                                   as: CardanoForgeCluster.self)
        #expect(cluster.spec?.override?.enabled == true && cluster.spec?.forgeState == .disabled)
        #expect(aggregator.isRunning)
    }

    /// `--healthy-after 3`: an unhealthy region needs three consecutive successful probes;
    /// two successes followed by a failure leave it unhealthy.
    @Test func healthyAfterNeedsConsecutiveSuccesses() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let health = try await HealthEndpoint()
        let name = try await fixture.createCluster(region: "eu", priority: 10, healthEndpoint: health.url)
        let aggregator = try fixture.startAggregator(region: "eu", identity: "agg-eu", extra: ["--healthy-after", "3"])
        _ = aggregator
        try await eventually(timeout: .seconds(15), "healthy and forging") {
            let status = try await fixture.status(name)
            return status?.forgingEnabled == true && status?.healthStatus?.healthy == true
        }
        try health.answer(503)
        try await eventually(timeout: .seconds(10), "unhealthy after 3 failures") {
            try await fixture.status(name)?.healthStatus?.healthy == false
        }

        // Two successes, then failures again: never healthy in between.
        let before = health.served.count
        try health.answer(sequence: [200, 200, 503])
        try await eventually(timeout: .seconds(15), "two successes then three failures served") {
            let status = try await fixture.status(name)
            #expect(status?.healthStatus?.healthy == false, "healthy after only two successes: \(String(describing: status?.healthStatus))")
            let served = Array(health.served.dropFirst(before))
            guard let first200 = served.firstIndex(of: 200) else { return false }
            let rest = served[first200...]
            return Array(rest.prefix(2)) == [200, 200] && rest.dropFirst(2).filter { $0 == 503 }.count >= 3
        }
        #expect(try await fixture.status(name)?.forgingEnabled == false)

        // Three consecutive successes: healthy, and forging again.
        let second = health.served.count
        try health.answer(sequence: [200])
        try await eventually(timeout: .seconds(15), "healthy after three successes") {
            try await fixture.status(name)?.healthStatus?.healthy == true
        }
        let successes = health.served.dropFirst(second).filter { $0 == 200 }.count
        #expect(successes >= 3, "healthy after \(successes) successes")
        try await eventually(timeout: .seconds(10), "forging again") {
            try await fixture.status(name)?.forgingEnabled == true
        }
    }

    /// `--pod-selector app=bp`: the pod informer lists and watches only matching pods, so a
    /// pod of the same pool without the label is not in the status until it gains the label.
    @Test func podSelectorFlagLimitsThePodsSeen() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let name = try await fixture.createCluster(region: "eu", priority: 10, gracePeriod: "60s")
        try await fixture.publish(pod: "bp-0", annotation: AggregatorFixture.report(pod: "bp-0", sequence: 1, leader: true, forging: false))
        try await fixture.publish(pod: "other-0", annotation: AggregatorFixture.report(pod: "other-0", sequence: 1, leader: false, forging: false),
                                  labels: ["app": "other"])
        let aggregator = try fixture.startAggregator(region: "eu", identity: "agg-eu", extra: ["--pod-selector", "app=bp"])
        _ = aggregator
        try await eventually(timeout: .seconds(15), "bp-0 in the status") {
            try await fixture.status(name)?.reportingPods?.contains { $0.podName == "bp-0" } == true
        }
        // A few more passes: anything the selector let through would be there by now.
        try await fixture.leaseRenewals(region: "eu", count: 4)
        var status = try #require(try await fixture.status(name))
        #expect(status.totalPods == 1)
        #expect(status.reportingPods?.map(\.podName) == ["bp-0"])

        // The other pod gains the label: it enters the watch, and the status.
        let (code, _) = try await fixture.client.send(
            method: "PATCH", path: ResourceType.pods.path(namespace: AggregatorFixture.namespace, name: "other-0"),
            body: Data(#"{"metadata":{"labels":{"app":"bp"}}}"#.utf8), contentType: "application/merge-patch+json")
        #expect(code == 200)
        try await eventually(timeout: .seconds(10), "other-0 selected once labelled") {
            try await fixture.status(name)?.totalPods == 2
        }
        status = try #require(try await fixture.status(name))
        #expect(Set(status.reportingPods?.map(\.podName) ?? []) == ["bp-0", "other-0"])

        let podRequests = try await fixture.emulator.requestLog().filter {
            $0.method == "GET" && $0.path == ResourceType.pods.path(namespace: AggregatorFixture.namespace)
                && ($0.userAgent ?? "").hasSuffix("agg-eu")
        }
        #expect(!podRequests.isEmpty)
        for request in podRequests {
            #expect(request.query.removingPercentEncoding?.contains("labelSelector=app=bp") == true, "\(request.query)")
        }
    }
}
