import Foundation
import Testing
@testable import ForgeCore

@Suite struct ReportFreshnessTests {
    let wall = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func freshWhileSequenceChangesWithinGraceOnOurClock() {
        let clock = ManualClock()
        var tracker = ReportFreshnessTracker()
        let grace: Duration = .seconds(3)
        tracker.observe(pod: "p", uid: "u1", sequence: 1, at: clock.now(), wall: wall)
        clock.advance(by: .seconds(2))
        // Same sequence again (e.g. a relist): does not refresh.
        tracker.observe(pod: "p", uid: "u1", sequence: 1, at: clock.now(), wall: wall)
        #expect(tracker.isFresh(pod: "p", now: clock.now(), gracePeriod: grace))
        clock.advance(by: .milliseconds(1001))
        #expect(!tracker.isFresh(pod: "p", now: clock.now(), gracePeriod: grace))
        tracker.observe(pod: "p", uid: "u1", sequence: 2, at: clock.now(), wall: wall)
        #expect(tracker.isFresh(pod: "p", now: clock.now(), gracePeriod: grace))
        #expect(tracker.staleAt(pod: "p", gracePeriod: grace) == clock.now().advanced(by: grace))
    }

    @Test func unusableReportIsNotFreshAndDeletedPodLeavesAtOnce() {
        let clock = ManualClock()
        var tracker = ReportFreshnessTracker()
        tracker.observe(pod: "p", uid: "u1", sequence: 4, at: clock.now(), wall: wall)
        tracker.observe(pod: "p", uid: "u1", sequence: nil, at: clock.now(), wall: wall)
        #expect(!tracker.isFresh(pod: "p", now: clock.now(), gracePeriod: .seconds(3)))
        tracker.observe(pod: "p", uid: "u1", sequence: 4, at: clock.now(), wall: wall)
        #expect(tracker.isFresh(pod: "p", now: clock.now(), gracePeriod: .seconds(3)))
        tracker.remove(pod: "p")
        #expect(!tracker.isFresh(pod: "p", now: clock.now(), gracePeriod: .seconds(3)))
    }
}

@Suite struct PodAggregationTests {
    static func report(_ pod: String, seq: Int64 = 1, holder: String?, forging: Bool, pool: String = "pool1abc") -> String {
        let r = ForgeReport(
            pod: pod, network: "mainnet", poolId: pool, sequence: seq,
            leadership: .init(holder: holder, leaseName: "l", transitions: 1),
            forging: .init(enabled: forging, confirmedBy: .sighupLog),
            socket: .init(path: "/ipc/node.socket", healthy: true),
            process: .init(pid: 10, found: true), credentials: .init(state: forging ? .present : .absent),
            phase: forging ? .forging : .standby)
        return try! r.annotationValue()
    }

    static let pool = PoolKey(network: "mainnet", poolId: "pool1abc")

    @Test func corruptOversizedAndForeignReportsAreShownPerPod() {
        let pods = [
            PodSnapshot(name: "a", reportAnnotation: Self.report("a", holder: "a", forging: true)),
            PodSnapshot(name: "b", reportAnnotation: "{not json"),
            PodSnapshot(name: "c", reportAnnotation: String(repeating: "x", count: 20_000)),
            PodSnapshot(name: "d", reportAnnotation: #"{"schemaVersion":99}"#),
            PodSnapshot(name: "e", reportAnnotation: Self.report("e", holder: "a", forging: false, pool: "pool1zzz")),
            PodSnapshot(name: "f"),
        ]
        let agg = PodAggregation.aggregate(pods: pods, pool: Self.pool, isFresh: { _ in true })
        #expect(agg.totalPods == 6 && agg.freshPods == 1)
        #expect(agg.activeLeader == "a" && agg.forgers == ["a"])
        let byName = Dictionary(uniqueKeysWithValues: agg.reportingPods.map { ($0.podName!, $0) })
        for name in ["b", "c", "d", "e"] {
            #expect(byName[name]?.phase == "error", "\(name)")
            #expect(byName[name]?.fresh == false)
        }
        #expect(byName["c"]?.message?.contains("limit") == true)
        #expect(byName["d"]?.message?.contains("schemaVersion 99") == true)
        #expect(byName["e"]?.message?.contains("pool1zzz") == true)
        #expect(byName["f"]?.phase == "pending")
    }

    @Test func staleReportsCountForNothing() {
        let pods = [PodSnapshot(name: "a", reportAnnotation: Self.report("a", holder: "a", forging: true))]
        let agg = PodAggregation.aggregate(pods: pods, pool: Self.pool, isFresh: { _ in false })
        #expect(agg.freshPods == 0 && agg.activeLeader == nil && agg.forgers.isEmpty)
        #expect(agg.reportingPods.first?.fresh == false && agg.reportingPods.first?.forging == true)
    }

    static func build(_ pods: PodAggregate, enabled: Bool, previous: CardanoForgeClusterStatus?, at now: Date) -> CardanoForgeClusterStatus {
        ClusterStatusBuilder.build(.init(
            generation: 3, previous: previous, pods: pods,
            effective: EffectiveState.compute(spec: .init(), healthy: true, now: now), health: nil,
            decision: ForgeDecision(forgingEnabled: enabled, candidate: enabled, reason: enabled ? "BestRanked" : "Settling", message: "m", best: "x"),
            heartbeat: 9, now: now))
    }

    @Test func twoFreshForgersMakeTheRegionDegraded() {
        let pods = [
            PodSnapshot(name: "a", reportAnnotation: Self.report("a", holder: "a", forging: true)),
            PodSnapshot(name: "b", reportAnnotation: Self.report("b", holder: "a", forging: true)),
        ]
        let agg = PodAggregation.aggregate(pods: pods, pool: Self.pool, isFresh: { _ in true })
        let status = Self.build(agg, enabled: true, previous: nil, at: Date())
        #expect(status.phase == "Degraded" && status.reason == "MultipleForgers")
        #expect(status.message?.contains("2 fresh reports claim forging (a, b)") == true)
        #expect(status.conditions?.first { $0.type == "Degraded" }?.status == "True")
    }

    @Test func transitionTimesMoveOnlyOnRealTransitions() {
        let agg = PodAggregation.aggregate(
            pods: [PodSnapshot(name: "a", reportAnnotation: Self.report("a", holder: "a", forging: true))],
            pool: Self.pool, isFresh: { _ in true })
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let first = Self.build(agg, enabled: true, previous: nil, at: t0)
        #expect(first.lastTransition == RFC3339.format(t0))
        #expect(first.observedGeneration == 3 && first.heartbeat == 9 && first.phase == "Forging")
        let same = Self.build(agg, enabled: true, previous: first, at: t0.addingTimeInterval(60))
        #expect(same.lastTransition == first.lastTransition)
        #expect(same.conditions == first.conditions)
        let off = Self.build(agg, enabled: false, previous: same, at: t0.addingTimeInterval(120))
        #expect(off.lastTransition == RFC3339.format(t0.addingTimeInterval(120)))
        #expect(off.conditions?.first { $0.type == "Forging" }?.lastTransitionTime == RFC3339.format(t0))
        let leader = ClusterStatusBuilder.leaderStatus(from: off, previous: nil, generation: 1)
        #expect(leader.leaderPod == "a" && leader.forgingEnabled == false)
        #expect(leader.lastTransitionTime == off.lastTransition)
    }
}

@Suite struct PeerHeartbeatTrackerTests {
    @Test func ageCountsFromTheLastObservedChangeOnOurClock() {
        let clock = ManualClock()
        var tracker = PeerHeartbeatTracker()
        tracker.observe(peer: "remote/eu", heartbeat: 5, at: clock.now())
        clock.advance(by: .seconds(4))
        tracker.observe(peer: "remote/eu", heartbeat: 5, at: clock.now())   // same value: no change
        #expect(tracker.age(peer: "remote/eu", now: clock.now()) == .seconds(4))
        tracker.observe(peer: "remote/eu", heartbeat: 6, at: clock.now())
        clock.advance(by: .seconds(1))
        #expect(tracker.age(peer: "remote/eu", now: clock.now()) == .seconds(1))
        // A peer never seen counts as just seen: it is a doubt, not a dead peer.
        #expect(tracker.age(peer: "remote/us", now: clock.now()) == .zero)
    }
}
