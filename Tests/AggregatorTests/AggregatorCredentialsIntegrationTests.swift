import ForgeCore
import Foundation
import KubeClient
import TestSupport
import Testing

/// Two regions with real aggregators over the emulator, pods whose reports carry credential
/// inspections: status.credentials, CredentialsReady, CredentialsNotUsable, the metrics the
/// alert rules read — and never both regions allowed at once while forging moves.
@Suite(.serialized) struct AggregatorCredentialsIntegrationTests {
    /// Republishes each pod's report with a fresh sequence every 300 ms, with whatever
    /// inspection the test last set.
    actor Reporters {
        var inspections: [String: CredentialInspection] = [:]
        var sequence: Int64 = 0
        func set(_ pod: String, _ inspection: CredentialInspection) { inspections[pod] = inspection }
        func next() -> (Int64, [String: CredentialInspection]) { sequence += 1; return (sequence, inspections) }

        func run(_ fixture: AggregatorFixture) async {
            while !Task.isCancelled {
                let (sequence, current) = next()
                for (pod, inspection) in current {
                    let region = pod.hasPrefix("eu") ? "eu" : "us"
                    var report = try! ForgeReport.decode(annotation: AggregatorFixture.report(pod: pod, sequence: sequence, leader: false, forging: false)).get()
                    report.region = region
                    report.credentials.source = inspection
                    try? await fixture.publish(pod: pod, annotation: try! report.annotationValue(), labels: ["app": "bp-\(region)"])
                }
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
    }

    static func inspection(_ verdict: CredentialVerdict = .usable, counter: UInt64, sha: Character, days: Double = 40,
                           reason: String? = nil) -> CredentialInspection {
        var result = CredentialInspection(verdict: verdict, reason: reason, message: reason.map { "test: \($0)" })
        result.issueCounter = counter
        result.opcertSHA256 = String(repeating: sha, count: 64)
        result.kesStartPeriod = 800
        result.kesEndPeriod = 862
        result.kesPeriodsRemaining = 20
        result.kesExpiresAt = RFC3339.format(Date().addingTimeInterval(days * 86_400 + 3_600))
        result.poolIdMatches = reason != "WrongPool"
        return result
    }

    @Test func expiredOrOutnumberedCredentialsMoveForgingAndAreShown() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let eu = try await fixture.createCluster(region: "eu", priority: 10, podSelector: ["app": "bp-eu"])
        let us = try await fixture.createCluster(region: "us", priority: 20, podSelector: ["app": "bp-us"])
        let reporters = Reporters()
        await reporters.set("eu-0", Self.inspection(counter: 5, sha: "a"))
        await reporters.set("eu-1", Self.inspection(counter: 5, sha: "a"))
        await reporters.set("us-0", Self.inspection(counter: 5, sha: "a"))
        let publishing = Task { await reporters.run(fixture) }
        defer { publishing.cancel() }
        let euAggregator = try fixture.startAggregator(region: "eu", identity: "agg-eu")
        let usAggregator = try fixture.startAggregator(region: "us", identity: "agg-us")
        _ = usAggregator

        try await eventually(timeout: .seconds(20), "eu forges with consistent credentials") {
            let status = try await fixture.status(eu)
            return status?.forgingEnabled == true && status?.credentials?.consistent == true && status?.credentials?.peersConsistent == true
                && status?.credentials?.inspectedPods == 2
        }
        let ready = try #require(try await fixture.status(eu))
        #expect(ready.credentials?.kesDaysLeft == 40 && ready.credentials?.issueCounter == 5 && ready.credentials?.inspectedPods == 2)
        #expect(ready.conditions?.first { $0.type == "CredentialsReady" }?.reason == "Usable")
        var metrics = try await scrapeMetrics(euAggregator)
        let labels = #"cluster="\#(eu)",region="eu",network="mainnet",pool_id="\#(AggregatorFixture.poolId)""#
        #expect(metrics.contains("cardano_credentials_consistent{\(labels)} 1"), "\(metrics)")
        #expect(metrics.contains("cardano_cluster_kes_days_remaining{\(labels)} 40"))
        // The credential alert rules read series this scrape has, with the labels they group by.
        let credentialProblems = try AlertRuleCheck.problems(scrape: metrics).filter { $0.contains("Credentials") || $0.contains("KES") }
        #expect(credentialProblems.isEmpty, "\(credentialProblems)")

        // Both eu pods' KES expired: eu is not eligible, us takes over only after eu is off.
        let sampler = DualForgeSampler()
        let sampling = Task { await sampler.run(fixture, eu, us) }
        defer { sampling.cancel() }
        await reporters.set("eu-0", Self.inspection(.cannotForge, counter: 5, sha: "a", days: 0, reason: "KESExpired"))
        await reporters.set("eu-1", Self.inspection(.cannotForge, counter: 5, sha: "a", days: 0, reason: "KESExpired"))
        try await eventually(timeout: .seconds(20), "us takes over") { try await fixture.status(us)?.forgingEnabled == true }
        let refused = try #require(try await fixture.status(eu))
        #expect(refused.forgingEnabled == false && refused.reason == "CredentialsNotUsable", "\(refused.reason ?? "")")
        #expect(refused.credentials?.usable == false && refused.credentials?.kesDaysLeft == 0)
        let condition = refused.conditions?.first { $0.type == "CredentialsReady" }
        #expect(condition?.status == "False" && condition?.reason == "KESExpired")
        metrics = try await scrapeMetrics(euAggregator)
        #expect(metrics.contains("cardano_credentials_usable{\(labels)} 0"), "\(metrics)")

        // eu rotated, but to a lower counter than us now has: still not usable (CountersDiffer).
        await reporters.set("us-0", Self.inspection(counter: 7, sha: "c"))
        await reporters.set("eu-0", Self.inspection(counter: 6, sha: "b"))
        await reporters.set("eu-1", Self.inspection(counter: 6, sha: "b"))
        try await eventually(timeout: .seconds(20), "eu refused for a lower counter") {
            let status = try await fixture.status(eu)
            return status?.conditions?.first { $0.type == "CredentialsReady" }?.reason == "CountersDiffer"
                && status?.credentials?.consistent == false && status?.credentials?.issueCounter == 6
        }
        #expect(try await fixture.status(eu)?.reason == "CredentialsNotUsable")
        // Until eu's aggregator has seen us's new counter, eu may briefly rank best and make us
        // step back; once it has, us forges again.
        try await eventually(timeout: .seconds(20), "us forges with the higher counter") {
            let usOn = try await fixture.status(us)?.forgingEnabled == true
            let euReason = try await fixture.status(eu)?.reason
            return usOn && euReason == "CredentialsNotUsable"
        }
        // Same certificate everywhere again: eu ranks best and gets forging back.
        await reporters.set("eu-0", Self.inspection(counter: 7, sha: "c"))
        await reporters.set("eu-1", Self.inspection(counter: 7, sha: "c"))
        try await eventually(timeout: .seconds(20), "eu forges again") { try await fixture.status(eu)?.forgingEnabled == true }
        #expect(try await fixture.status(eu)?.credentials?.consistent == true)
        sampling.cancel()
        _ = await sampling.value
        let both = await sampler.bothEnabled
        #expect(both.isEmpty, "both regions allowed forging: \(both)")
        #expect(await sampler.samples > 10)
    }
}
