import ForgeCore
import Foundation
import KubeClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Status writes are conditional on the resourceVersion they were computed from (issue #9,
/// hole 4): a delayed patch of a replaced aggregator replica cannot restore
/// `forgingEnabled: true`, and a status the leader did not write is compared and corrected.
@Suite(.serialized) struct AggregatorStaleWriteTests {
    /// Heartbeat 30 s, so no heartbeat patch interferes with the one write held in flight.
    func startAggregator(_ fixture: AggregatorFixture, identity: String) throws -> ChildProcess {
        try ChildProcess.launch(executable: Binaries.path("forge-aggregator"), arguments: [
            "--kubeconfig", fixture.emulator.kubeconfigPath, "--namespace", AggregatorFixture.namespace, "--region", "us",
            "--pod-name", identity, "--metrics-port", "0", "--metrics-host", "127.0.0.1",
            "--heartbeat-interval", "30s", "--peer-timeout", "10s", "--fence-margin", "1s", "--settle", "1s",
            "--peer-lease-duration", "3s", "--peer-status-staleness", "2s", "--peer-sleep-interval", "1s",
            "--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period", "500ms", "--log-level", "debug",
        ], outputFile: fixture.emulator.directory + "/aggregator-\(identity).log")
    }

    func setForgeState(_ fixture: AggregatorFixture, _ name: String, _ state: ForgeState) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["spec": ["forgeState": state.rawValue]])
        let (status, answer) = try await fixture.client.send(
            method: "PATCH", path: ResourceType.cardanoForgeClusters.path(namespace: AggregatorFixture.namespace, name: name),
            body: body, contentType: "application/merge-patch+json")
        #expect(status == 200, "\(String(decoding: answer, as: UTF8.self))")
    }

    @Test func delayedPatchOfAReplacedReplicaIsRefused() async throws {
        let fixture = try await AggregatorFixture.start()
        defer { fixture.emulator.stop() }
        let name = try await fixture.createCluster(region: "us", priority: 10, forgeState: .disabled)
        let first = try startAggregator(fixture, identity: "agg-a")
        try await eventually(timeout: .seconds(20), "agg-a writes the Disabled status") {
            let status = try await fixture.status(name)
            return status?.reason == "Disabled" && status?.heartbeat != nil
        }
        let statusPath = "cardanoforgeclusters/\(name)/status"
        let before = try await fixture.emulator.requestLog().last?.seq ?? 0

        // agg-a's next status write (forgingEnabled: true, after the spec allows it) is held
        // in the API server; meanwhile agg-a freezes, loses its lease, the spec is disabled
        // again and agg-b takes over and writes forgingEnabled: false.
        try await fixture.emulator.addFault(FaultRule(method: "PATCH", pathRegex: statusPath, delaySeconds: 300, times: 1))
        try await setForgeState(fixture, name, .priorityBased)
        try await eventually(timeout: .seconds(10), "agg-a's forgingEnabled: true write is in flight") {
            try await fixture.emulator.faults().first?.hits == 1
        }
        #expect(first.signal(SIGSTOP))
        try await setForgeState(fixture, name, .disabled)
        let second = try startAggregator(fixture, identity: "agg-b")
        _ = second
        try await eventually(timeout: .seconds(20), "agg-b wrote the status") {
            try await fixture.emulator.requestLog(since: before).contains {
                $0.method == "PATCH" && $0.path.hasSuffix(statusPath) && $0.status == 200 && ($0.userAgent ?? "").hasSuffix("agg-b")
            }
        }
        #expect(try await fixture.status(name)?.forgingEnabled == false)

        // The held write is let through now, long after agg-a was replaced.
        try await fixture.emulator.clearFaults()
        var stale: LoggedRequest?
        try await eventually(timeout: .seconds(10), "agg-a's held write was answered") {
            stale = try await fixture.emulator.requestLog(since: before).first {
                $0.method == "PATCH" && $0.path.hasSuffix(statusPath) && ($0.userAgent ?? "").hasSuffix("agg-a")
            }
            return stale != nil
        }
        #expect(stale?.status == 409, "the stale write was applied: \(String(describing: stale))")
        let stored = try #require(try await fixture.status(name))
        #expect(stored.forgingEnabled == false && stored.reason == "Disabled", "\(stored.reason ?? ""): \(stored.message ?? "")")
        first.signal(SIGKILL)

        // A status nobody should have written (here: by hand) is compared with what the leader
        // wants and corrected at once, without waiting for a heartbeat.
        let forged = try JSONSerialization.data(withJSONObject: ["status": ["forgingEnabled": true, "reason": "BestRanked"]])
        let (patched, _) = try await fixture.client.send(
            method: "PATCH", path: ResourceType.cardanoForgeClusters.path(namespace: AggregatorFixture.namespace, name: name, subresource: "status"),
            body: forged, contentType: "application/merge-patch+json")
        #expect(patched == 200)
        try await eventually(timeout: .seconds(10), "agg-b restores forgingEnabled: false") {
            let status = try await fixture.status(name)
            return status?.forgingEnabled == false && status?.reason == "Disabled"
        }
    }
}
