import ForgeCore
import ForgeNode
import Foundation
import TestSupport

/// What one episode measured.
struct ChaosEpisodeResult: Sendable {
    struct Overlap: Sendable {
        /// Both nodes forged for this long.
        var seconds: Double
        /// How much of it lies after the fault ended (for a frozen pod: after it resumed).
        var afterFaultEnd: Double
        var detail: String
    }

    var number: Int
    var plan: ChaosPlan
    var injection: ChaosInjection?
    /// From the fault's start to the start of the forging that ended the episode; 0 when the
    /// forger never stopped.
    var timeToForger: Double?
    var overlaps: [Overlap] = []
    var failures: [String] = []
    /// The pool did not come back even after a reset: the campaign stops.
    var poolBroken = false
}

/// The settings of a campaign (see `ChaosCommand` for their meaning).
struct ChaosSettings: Sendable {
    var episodes: Int
    var seed: UInt64
    var kinds: [ChaosFaultKind]
    var durations: ClosedRange<Double>
    var failoverBudget: Double
    var settleTimeout: Double
    var freezeOverlapBound: Double
    var steadyHold: Double
}

/// Runs the episodes on one long-lived system: wait for one forger, inject the fault, wait for
/// one forger again within the failover budget, wait for every process and report to be back.
/// Overlaps come from the stand-ins' transitions files (`ForgingTimeline`), attributed to the
/// episode during which the later of the two intervals began.
final class ChaosCampaign: @unchecked Sendable {
    let system: SandboxSystem
    let settings: ChaosSettings
    private let log: (String) -> Void
    private(set) var results: [ChaosEpisodeResult] = []
    /// Overlaps that began before the first fault (a start-up problem).
    private(set) var startupOverlaps: [String] = []

    init(system: SandboxSystem, settings: ChaosSettings, log: @escaping (String) -> Void) {
        self.system = system
        self.settings = settings
        self.log = log
    }

    func run() async throws {
        try await waitSteady("the pool is up: one forger, every pod reporting")
        var rng = SplitMix64(seed: settings.seed)
        var knownOverlaps = 0
        for number in 1...settings.episodes {
            let plan = ChaosPlan.draw(from: settings.kinds, durations: settings.durations, using: &rng)
            let result = await episode(number, plan)
            results.append(result)
            // A first look at overlaps now, so a finding shows up in the log at once (the table
            // attributes them exactly at the end).
            var note = ""
            if let count = try? system.timeline().overlaps(openUntil: SandboxSystem.now).count, count > knownOverlaps {
                note = " OVERLAP: \(count - knownOverlaps) new pair(s) of forging intervals overlapped"
                knownOverlaps = count
            }
            log(line(result) + note)
            if result.poolBroken {
                log("stopping the campaign: the pool did not come back after a reset")
                break
            }
        }
        attributeOverlaps()
    }

    private func episode(_ number: Int, _ plan: ChaosPlan) async -> ChaosEpisodeResult {
        var result = ChaosEpisodeResult(number: number, plan: plan)
        do {
            let injection = try await ChaosFaults.inject(plan, system: system)
            result.injection = injection
            result.timeToForger = try await waitForForger(after: injection)
        } catch {
            result.failures.append("\(error)")
            try? await system.emulator.clearFaults()
        }
        do {
            try await waitSteady("every process and report back after the fault")
        } catch {
            result.failures.append("\(error)")
            // Whatever broke (e.g. two forgers that stay), the next episodes must start from a
            // sound pool: SIGKILL every pod (the kubelet back-off restarts them) and settle.
            do {
                try await resetPool()
                log("episode \(number): pool reset (every pod SIGKILLed and restarted) after the failure")
            } catch {
                result.failures.append("pool reset failed: \(error)")
                result.poolBroken = true
            }
        }
        return result
    }

    private func resetPool() async throws {
        try? await system.emulator.clearFaults()
        for pod in system.pods {
            let processes = pod.containers.compactMap(\.process)
            pod.kill(pod.containers)
            for process in processes { _ = await process.waitExit(timeout: .seconds(5)) }
        }
        try await waitSteady("the pool back after a reset")
    }

    /// One forger again within the budget after the fault ended; the seconds from the fault's
    /// start to the start of that forger's interval (0 if it forged throughout).
    private func waitForForger(after injection: ChaosInjection) async throws -> Double {
        var forger: SandboxPod?
        try await eventually(timeout: .milliseconds(Int(settings.failoverBudget * 1000)), poll: .milliseconds(50),
                             String(format: "one forger within the failover budget (%.0f s) after the fault ended", settings.failoverBudget)) {
            let forging = try system.forgingPods()
            forger = forging.count == 1 ? forging[0] : nil
            return forger != nil
        }
        let now = SandboxSystem.now
        let interval = try system.timeline().intervals(openUntil: now)
            .filter { $0.open && $0.source == forger!.transitionsFile && !forger!.deadNodePIDs.contains($0.pid) }
            .max { $0.start < $1.start }
        guard let start = interval?.start else { return 0 }
        return start > injection.start ? Double(start - injection.start) / 1e9 : 0
    }

    /// Every container and aggregator running, exactly one forger, every pod's report fresh
    /// and in a settled phase ("fenced" included: a reporter keeps that phase as a standby
    /// until it leads again), and the same forging interval for `steadyHold` seconds: a pod
    /// that resumed from a freeze may still fence itself (its renew deadline passed while it
    /// was stopped) a moment after it looked settled, and the next fault must find a forger.
    /// On timeout the error names what was still missing.
    private func waitSteady(_ what: String) async throws {
        var held: (interval: String, since: UInt64)?
        try await eventually(timeout: .milliseconds(Int(settings.settleTimeout * 1000)), poll: .milliseconds(200), what) {
            do {
                let interval = try await steadyInterval()
                let now = SandboxSystem.now
                if held?.interval != interval { held = (interval, now) }
                return Double(now - held!.since) / 1e9 >= settings.steadyHold
            } catch {
                held = nil
                throw error
            }
        }
    }

    /// The one forging interval (as text) when every settled-state condition holds now.
    private func steadyInterval() async throws -> String {
        for pod in system.pods {
            for container in pod.containers where !container.isRunning { throw SandboxError("\(container.name) not running") }
        }
        for aggregator in system.aggregators where !aggregator.container.isRunning {
            throw SandboxError("\(aggregator.container.name) not running")
        }
        let forging = try system.forgingPods()
        guard forging.count == 1 else { throw SandboxError("forging: \(forging.map(\.name))") }
        let snapshot = await ClusterView.snapshot(system)
        if let error = snapshot.error { throw SandboxError(error) }
        let unsettled = snapshot.pods.filter { !$0.fresh || !["standby", "forging", "fenced"].contains($0.phase) }
        guard snapshot.pods.count == system.pods.count, unsettled.isEmpty else {
            throw SandboxError("reports: " + snapshot.pods.map { "\($0.pod)=\($0.phase)\($0.fresh ? "" : " (stale)")" }.joined(separator: ", "))
        }
        let open = try system.timeline().intervals(openUntil: SandboxSystem.now)
            .filter { $0.open && $0.source == forging[0].transitionsFile && !forging[0].deadNodePIDs.contains($0.pid) }
        return open.map { "\($0.source)#\($0.pid)@\($0.start)" }.joined(separator: ",")
    }

    /// Attributes every overlap of the whole run to the episode in whose window (its fault's
    /// start up to the next fault's start) the later interval began.
    private func attributeOverlaps() {
        guard let overlaps = try? system.timeline().overlaps(openUntil: SandboxSystem.now) else {
            if !results.isEmpty { results[results.count - 1].failures.append("cannot read the transitions files") }
            return
        }
        for index in results.indices { results[index].overlaps = [] }
        for (first, second) in overlaps {
            let begin = max(first.start, second.start)
            let end = min(first.end, second.end)
            guard let index = results.lastIndex(where: { ($0.injection?.start ?? .max) <= begin }) else {
                startupOverlaps.append("\(first) and \(second)")
                continue
            }
            let faultEnd = results[index].injection?.end ?? begin
            results[index].overlaps.append(.init(
                seconds: Double(end - begin) / 1e9,
                afterFaultEnd: end > faultEnd ? Double(end - faultEnd) / 1e9 : 0,
                detail: "\(first) and \(second)"))
        }
    }

    /// Whether the campaign met its goal, and why not.
    var problems: [String] {
        var found = startupOverlaps.map { "overlap before the first fault: \($0)" }
        for result in results {
            let tag = "episode \(result.number) (\(result.plan.description))"
            found += result.failures.map { "\(tag): \($0)" }
            for overlap in result.overlaps {
                if !result.plan.kind.mayOverlap {
                    found.append(String(format: "%@: forging overlapped %.3f s: %@", tag, overlap.seconds, overlap.detail))
                } else if overlap.afterFaultEnd > settings.freezeOverlapBound {
                    found.append(String(format: "%@: forging overlapped %.3f s after the resume (bound %.1f s): %@",
                                        tag, overlap.afterFaultEnd, settings.freezeOverlapBound, overlap.detail))
                }
            }
        }
        return found
    }

    private func line(_ r: ChaosEpisodeResult) -> String {
        let target = r.injection.map { " on \($0.target)" } ?? ""
        let ttf = r.timeToForger.map { String(format: "forger after %.2f s", $0) } ?? "no forger"
        let status = r.failures.isEmpty ? "ok" : "FAILED: " + r.failures.joined(separator: "; ")
        return String(format: "episode %3d/%d: %@%@: %@: %@", r.number, settings.episodes, r.plan.description, target, ttf, status)
    }
}
