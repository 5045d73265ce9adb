import ForgeCore
import ForgeNode
import Foundation
import KubeClient
import TestSupport

/// The scripted demonstration: steady state, a crashed leader, a rolling restart, a failed
/// region, an operator override and a region refused for another pool's certificate, each measured from the stand-in nodes' own transition
/// lines (the same oracle the integration tests use).
final class Story: @unchecked Sendable {
    struct Measurement { let what: String; let seconds: Double; let detail: String }

    let system: SandboxSystem
    let display: Display
    private(set) var measurements: [Measurement] = []
    private(set) var failures: [String] = []

    init(system: SandboxSystem, display: Display) {
        self.system = system
        self.display = display
    }

    /// Runs every step; a step that times out is recorded as a failure and ends the story.
    func run() async {
        do {
            try await steadyState()
            try await crashLeader()
            try await rollingRestart()
            try await regionFailure()
            try await override()
            try await wrongCertificate()
            try await finalState()
        } catch {
            failures.append("\(error)")
            display.event("STORY STOPPED: \(error)")
        }
    }

    /// (1) Exactly one pod forges, in the primary region.
    func steadyState() async throws {
        display.event("(1) steady state: waiting for exactly one forger in us-east-1 and all pods reporting")
        let started = SandboxSystem.now
        let leader = try await waitForForger(timeout: .seconds(60), "one pod forges in us-east-1") { $0.region.name == "us-east-1" }
        try await eventually(timeout: .seconds(30), poll: .milliseconds(250), "every pod reports (standby or forging)") {
            let snapshot = await ClusterView.snapshot(system)
            return snapshot.pods.count == 6 && snapshot.pods.allSatisfy { ["standby", "forging", "leader"].contains($0.phase) }
        }
        display.event("(1) steady state after \(seconds(since: started)): \(leader.name) forges; 5 standbys; eu-west-1 forgingEnabled=false")
        try await holdSteady(leader, for: .seconds(3))
    }

    /// (2) SIGKILL the forging pod's reporter and node: another pod takes over once the Lease
    /// expires (LEASE_DURATION) and its stand-in logs "Enabling block forging".
    func crashLeader() async throws {
        let leader = try currentForger()
        display.event("(2) SIGKILL forge-reporter and cardano-node of \(leader.name) (the kubelet restarts them after \(Int(SandboxSettings.crashRestartDelay.seconds)) s)")
        let killedAt = leader.kill([leader.reporter, leader.node])
        let next = try await waitForEnable(after: killedAt, timeout: .seconds(30), "another pod forges after the crash") { $0 !== leader }
        record("failover after SIGKILL", from: killedAt, to: next.at, "\(leader.name) -> \(next.pod.name)")
    }

    /// (3) A rolling restart: SIGTERM the forging pod's reporter; it removes the keys, waits
    /// for the node's "Disabling", releases the Lease; the kubelet starts it again.
    func rollingRestart() async throws {
        let leader = try currentForger()
        display.event("(3) rolling restart: SIGTERM forge-reporter of \(leader.name)")
        let at = SandboxSystem.now
        leader.reporter.signal(SIGTERM)
        let next = try await waitForEnable(after: at, timeout: .seconds(20), "another pod forges after SIGTERM") { $0 !== leader }
        record("handover on rolling restart", from: at, to: next.at, "\(leader.name) -> \(next.pod.name)")
        try await eventually(timeout: .seconds(30), poll: .milliseconds(250), "\(leader.name) restarted as a standby") {
            await ClusterView.snapshot(system).pods.first { $0.pod == leader.name }?.phase == "standby"
        }
        display.event("    \(leader.name): forge-reporter restarted by the kubelet, standby again")
    }

    /// (4) The primary region's health check fails: its aggregator turns forgingEnabled off,
    /// and only then does eu-west-1's aggregator turn it on there.
    func regionFailure() async throws {
        display.event("(4) the health endpoint of us-east-1 now answers 503")
        let at = SandboxSystem.now
        system.health.isHealthy = false
        var primaryOffSeen: UInt64?
        let next = try await waitForEnable(after: at, timeout: .seconds(60), "eu-west-1 forges after us-east-1 failed") { pod in
            pod.region.name == "eu-west-1"
        } whilePolling: {
            if primaryOffSeen == nil, await ClusterView.snapshot(self.system).forgingEnabled(.primary) == false {
                primaryOffSeen = SandboxSystem.now
                self.display.event("    us-east-1 status.forgingEnabled=false after \(self.seconds(at, SandboxSystem.now))")
            }
        }
        record("cross-region failover", from: at, to: next.at, "us-east-1 -> \(next.pod.name)")
        if let off = primaryOffSeen, off > next.at {
            failures.append("eu-west-1 forged before us-east-1 was seen with forgingEnabled=false")
        }
    }

    /// (5) The operator hands forging back: health restored and a time-limited override that
    /// disables eu-west-1 (merge patch on spec.override, as `kubectl patch --type merge` does).
    func override() async throws {
        let expires = Date().addingTimeInterval(600)
        let formatter = ISO8601DateFormatter()
        let patch: [String: Any] = ["spec": ["override": [
            "enabled": true, "forceState": "Disabled", "expiresAt": formatter.string(from: expires),
            "reason": "sandbox: maintenance in eu-west-1, forge in us-east-1"]]]
        display.event("(5) health of us-east-1 restored; override on \(RegionSpec.secondary.clusterName): forceState=Disabled until \(formatter.string(from: expires))")
        let patchText = String(decoding: try JSONSerialization.data(withJSONObject: patch, options: .sortedKeys), as: UTF8.self)
        display.event("    same as: kubectl -n \(RegionSpec.secondary.namespace) patch cfc \(RegionSpec.secondary.clusterName) --type merge -p '\(patchText)'")
        let at = SandboxSystem.now
        system.health.isHealthy = true
        _ = try await system.client.patch(
            .cardanoForgeClusters, namespace: RegionSpec.secondary.namespace, name: RegionSpec.secondary.clusterName,
            patch: try JSONSerialization.data(withJSONObject: patch), patchType: .merge, as: JSONValue.self)
        let next = try await waitForEnable(after: at, timeout: .seconds(60), "us-east-1 forges again") { $0.region.name == "us-east-1" }
        record("back to the primary region", from: at, to: next.at, "eu-west-1 -> \(next.pod.name)")
    }

    /// The story ends with exactly one forger, in us-east-1, for a few seconds.
    func finalState() async throws {
        let leader = try await waitForForger(timeout: .seconds(20), "one forger at the end") { $0.region.name == "us-east-1" }
        try await holdSteady(leader, for: .seconds(3))
        display.event("end of story: \(leader.name) forges")
        failures += try await showClusterEvents(client: system.client)
    }

    /// One line of the story's output (StoryEvents).
    func log(_ line: String) { display.event(line) }

    // MARK: - helpers

    private func currentForger() throws -> SandboxPod {
        let forging = try system.forgingPods()
        guard forging.count == 1 else { throw SandboxError("expected exactly one forging pod, found \(forging.map(\.name))") }
        return forging[0]
    }

    private func holdSteady(_ leader: SandboxPod, for duration: Duration) async throws {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            let forging = try system.forgingPods()
            guard forging.count == 1, forging[0] === leader else {
                throw SandboxError("forging changed without a cause: \(forging.map(\.name))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func waitForForger(timeout: Duration, _ what: String, _ filter: @escaping (SandboxPod) -> Bool) async throws -> SandboxPod {
        var found: SandboxPod?
        try await eventually(timeout: timeout, poll: .milliseconds(100), what) {
            let forging = try system.forgingPods()
            if forging.count == 1, filter(forging[0]) { found = forging[0] }
            return found != nil
        }
        return found!
    }

    private func waitForEnable(
        after time: UInt64, timeout: Duration, _ what: String, _ filter: @escaping (SandboxPod) -> Bool,
        whilePolling poll: () async -> Void = {}
    ) async throws -> (pod: SandboxPod, at: UInt64) {
        var found: (pod: SandboxPod, at: UInt64)?
        try await eventually(timeout: timeout, poll: .milliseconds(100), what) {
            await poll()
            found = try system.firstEnable(after: time, where: filter)
            return found != nil
        }
        return found!
    }

    private func record(_ what: String, from start: UInt64, to end: UInt64, _ detail: String) {
        let value = Double(end - start) / 1e9
        measurements.append(Measurement(what: what, seconds: value, detail: detail))
        display.event(String(format: "    %@: %.2f s (%@)", what, value, detail))
    }

    private func seconds(since start: UInt64) -> String { seconds(start, SandboxSystem.now) }
    private func seconds(_ start: UInt64, _ end: UInt64) -> String { String(format: "%.1f s", Double(end - start) / 1e9) }
}
