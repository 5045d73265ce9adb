import ForgeCore
import Testing
@testable import Reporter

/// Region liveness as a reporter sees it: the status says yes, and the aggregator term that
/// wrote it is seen renewing its Lease (docs/SAFETY.md, "Region liveness").
@Suite("ClusterPermissionTracker (fail closed)")
struct ClusterPermissionTrackerTests {
    let clock = ManualClock()
    static let leaseName = "forge-aggregator-eu"
    let termA = AggregatorTerm(lease: Self.leaseName, holder: "agg-0", acquireTime: "2026-12-04T09:00:00.000000Z")
    let termB = AggregatorTerm(lease: Self.leaseName, holder: "agg-1", acquireTime: "2026-12-04T09:05:00.000000Z")

    func status(_ enabled: Bool?, _ beat: Int64?, by term: AggregatorTerm?, uid: String? = "u1") -> ClusterPermissionTracker.Observation {
        .status(.init(forgingEnabled: enabled, heartbeat: beat, uid: uid, writtenBy: term))
    }

    /// One observation of the Lease held by `term` at resourceVersion `version`.
    func lease(_ t: inout ClusterPermissionTracker, _ term: AggregatorTerm?, version: Int) {
        let record = LeaseRecord(holderIdentity: term?.holder, leaseDurationSeconds: 15, acquireTime: term?.acquireTime,
                                 renewTime: nil, leaseTransitions: 0, resourceVersion: "\(version)")
        t.observeLease(name: Self.leaseName, record: record, at: clock.now())
    }

    @Test("not observed, missing or unreadable: denied")
    func absent() {
        var t = ClusterPermissionTracker(staleness: .seconds(30))
        #expect(!t.evaluate(at: clock.now()).allowed)
        t.observe(.missing, at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed)
        t.observe(.unreadable("bad json"), at: clock.now())
        #expect(t.evaluate(at: clock.now()).reason.contains("bad json"))
    }

    @Test("allowed only after the writing term's Lease is seen renewed, and only while it keeps renewing")
    func liveness() {
        var t = ClusterPermissionTracker(staleness: .seconds(30))
        t.observe(status(true, 5, by: termA), at: clock.now())
        #expect(t.wantedLease == Self.leaseName)
        lease(&t, termA, version: 10)
        #expect(!t.evaluate(at: clock.now()).allowed, "one read of a Lease cannot tell a live aggregator from a dead one")
        clock.advance(by: .seconds(2))
        lease(&t, termA, version: 11)
        #expect(t.evaluate(at: clock.now()).allowed)
        clock.advance(by: .seconds(30))
        #expect(t.evaluate(at: clock.now()).allowed)
        clock.advance(by: .milliseconds(1))
        #expect(!t.evaluate(at: clock.now()).allowed, "stale")
        lease(&t, termA, version: 11)
        #expect(!t.evaluate(at: clock.now()).allowed, "the same version again is no sign of life")
        lease(&t, termA, version: 12)
        #expect(t.evaluate(at: clock.now()).allowed)
    }

    @Test("a status written by an earlier term lives only as long as that term did")
    func termBinding() {
        var t = ClusterPermissionTracker(staleness: .seconds(30))
        t.observe(status(true, 5, by: termA), at: clock.now())
        lease(&t, termA, version: 10)
        clock.advance(by: .seconds(2))
        lease(&t, termA, version: 11)
        #expect(t.evaluate(at: clock.now()).allowed)
        // Another term takes the Lease (a restart, or the other replica): the old status
        // stays usable until the old term's last renewal goes stale, not a moment longer,
        // however lively the new term is.
        clock.advance(by: .seconds(5))
        lease(&t, termB, version: 12)
        for version in 13...30 {
            clock.advance(by: .seconds(2))
            lease(&t, termB, version: version)
        }
        #expect(!t.evaluate(at: clock.now()).allowed, "a live new term does not revive an old term's yes")
        #expect(t.evaluate(at: clock.now()).reason.contains("agg-0"))
        // The new term rewrites the status: allowed again at once.
        t.observe(status(true, 6, by: termB), at: clock.now())
        #expect(t.evaluate(at: clock.now()).allowed)
    }

    @Test("a release or deletion is no sign of life and revokes nothing by itself")
    func releaseIsNotLife() {
        var t = ClusterPermissionTracker(staleness: .seconds(30))
        t.observe(status(true, 5, by: termA), at: clock.now())
        lease(&t, termA, version: 10)
        clock.advance(by: .seconds(1))
        lease(&t, termA, version: 11)
        clock.advance(by: .seconds(20))
        lease(&t, nil, version: 12)  // released (rolling update)
        #expect(t.evaluate(at: clock.now()).allowed)
        t.observeLease(name: Self.leaseName, record: nil, at: clock.now())  // deleted
        #expect(t.evaluate(at: clock.now()).allowed)
        clock.advance(by: .seconds(11))
        #expect(!t.evaluate(at: clock.now()).allowed)
    }

    @Test("an older aggregator (no writtenBy): allowed only while its heartbeat is seen moving forward")
    func legacyAggregator() {
        var t = ClusterPermissionTracker(staleness: .seconds(30))
        t.observe(status(true, 5, by: nil), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed, "never seen moving")
        #expect(t.evaluate(at: clock.now()).reason.contains("writtenBy"))
        clock.advance(by: .seconds(10))
        t.observe(status(true, 6, by: nil), at: clock.now())
        #expect(t.evaluate(at: clock.now()).allowed)
        clock.advance(by: .seconds(30) + .milliseconds(1))
        #expect(!t.evaluate(at: clock.now()).allowed, "stale")
        t.observe(status(true, 6, by: nil), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed, "the same counter again is no sign of life")
    }

    @Test("disabled, or life seen on a different Lease: denied")
    func denials() {
        var t = ClusterPermissionTracker(staleness: .seconds(30))
        t.observe(status(false, 6, by: termA), at: clock.now())
        lease(&t, termA, version: 1)
        lease(&t, termA, version: 2)
        #expect(!t.evaluate(at: clock.now()).allowed)
        let other = AggregatorTerm(lease: "elsewhere", holder: "agg-0", acquireTime: termA.acquireTime)
        t.observe(status(true, 7, by: other), at: clock.now())
        #expect(t.wantedLease == "elsewhere")
        #expect(!t.evaluate(at: clock.now()).allowed, "life seen on another Lease does not count")
    }

    @Test("a write counter lower than one seen from the same object never grants; a new uid starts over")
    func lateWrites() {
        var t = ClusterPermissionTracker(staleness: .seconds(30))
        t.observe(status(false, 9, by: termA), at: clock.now())
        lease(&t, termA, version: 1)
        lease(&t, termA, version: 2)
        t.observe(status(true, 8, by: termA), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed, "a late yes is ignored")
        #expect(t.staleObservations == 1)
        t.observe(status(true, 10, by: termA), at: clock.now())
        #expect(t.evaluate(at: clock.now()).allowed)
        t.observe(status(false, 3, by: termA), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed, "a late no still revokes")
        t.observe(status(true, 1, by: termA, uid: "u2"), at: clock.now())
        #expect(t.evaluate(at: clock.now()).allowed, "a recreated object's low counter is not stale")
    }
}
