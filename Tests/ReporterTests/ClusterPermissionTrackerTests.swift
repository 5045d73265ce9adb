import ForgeCore
import Testing
@testable import Reporter

@Suite("ClusterPermissionTracker (fail closed)")
struct ClusterPermissionTrackerTests {
    let clock = ManualClock()

    func status(_ enabled: Bool?, _ beat: Int64?) -> ClusterPermissionTracker.Observation {
        .status(.init(forgingEnabled: enabled, heartbeat: beat))
    }

    @Test("not observed, missing or unreadable: denied")
    func absent() {
        var t = ClusterPermissionTracker(staleness: .seconds(90))
        #expect(!t.evaluate(at: clock.now()).allowed)
        t.observe(.missing, at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed)
        t.observe(.unreadable("bad json"), at: clock.now())
        #expect(t.evaluate(at: clock.now()).reason.contains("bad json"))
    }

    @Test("allowed only after the heartbeat is seen to change, and only while it keeps changing")
    func heartbeat() {
        var t = ClusterPermissionTracker(staleness: .seconds(90))
        t.observe(status(true, 5), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed, "a heartbeat never seen changing may be dead")
        clock.advance(by: .seconds(10))
        t.observe(status(true, 6), at: clock.now())
        #expect(t.evaluate(at: clock.now()).allowed)
        clock.advance(by: .seconds(90))
        #expect(t.evaluate(at: clock.now()).allowed)
        clock.advance(by: .milliseconds(1))
        #expect(!t.evaluate(at: clock.now()).allowed, "stale")
        t.observe(status(true, 6), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed, "same value again is no sign of life")
        t.observe(status(true, 7), at: clock.now())
        #expect(t.evaluate(at: clock.now()).allowed)
    }

    @Test("forgingEnabled false or absent: denied even when fresh")
    func disabled() {
        var t = ClusterPermissionTracker(staleness: .seconds(90))
        t.observe(status(true, 1), at: clock.now())
        t.observe(status(false, 2), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed)
        t.observe(status(nil, 3), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed)
    }

    @Test("deletion resets: the next object must show a change again")
    func deletion() {
        var t = ClusterPermissionTracker(staleness: .seconds(90))
        t.observe(status(true, 1), at: clock.now())
        t.observe(status(true, 2), at: clock.now())
        #expect(t.evaluate(at: clock.now()).allowed)
        t.observe(.missing, at: clock.now())
        t.observe(status(true, 3), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed)
    }

    /// A status written late (a delayed patch of a replaced aggregator replica) carries an
    /// older heartbeat: it must not refresh the permission nor grant it (issue #9, hole 4).
    @Test("a heartbeat lower than one seen from the same object never refreshes or grants")
    func backwardsHeartbeat() {
        func seen(_ enabled: Bool?, _ beat: Int64, uid: String = "uid-1") -> ClusterPermissionTracker.Observation {
            .status(.init(forgingEnabled: enabled, heartbeat: beat, uid: uid))
        }
        var t = ClusterPermissionTracker(staleness: .seconds(30))
        t.observe(seen(true, 10), at: clock.now())
        clock.advance(by: .seconds(1))
        t.observe(seen(false, 11), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed)
        // The late "yes" with an older heartbeat is not believed.
        t.observe(seen(true, 9), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed, "a stale write granted permission")
        #expect(t.staleObservations == 1)

        // Nor does a backwards beat keep an allowed status alive.
        t.observe(seen(true, 12), at: clock.now())
        #expect(t.evaluate(at: clock.now()).allowed)
        clock.advance(by: .seconds(20))
        t.observe(seen(true, 5), at: clock.now())
        clock.advance(by: .seconds(11))
        #expect(!t.evaluate(at: clock.now()).allowed, "a backwards heartbeat refreshed the permission")
        // A late "no" still takes the permission away at once.
        t.observe(seen(true, 13), at: clock.now())
        #expect(t.evaluate(at: clock.now()).allowed)
        t.observe(seen(false, 6), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed)
    }

    @Test("a recreated object (new uid) starts over: its lower heartbeat is not stale, but must be seen changing")
    func newObject() {
        var t = ClusterPermissionTracker(staleness: .seconds(30))
        t.observe(.status(.init(forgingEnabled: true, heartbeat: 100, uid: "old")), at: clock.now())
        t.observe(.status(.init(forgingEnabled: true, heartbeat: 101, uid: "old")), at: clock.now())
        #expect(t.evaluate(at: clock.now()).allowed)
        t.observe(.status(.init(forgingEnabled: true, heartbeat: 1, uid: "new")), at: clock.now())
        #expect(!t.evaluate(at: clock.now()).allowed, "a new object must first be seen beating")
        #expect(t.staleObservations == 0)
        t.observe(.status(.init(forgingEnabled: true, heartbeat: 2, uid: "new")), at: clock.now())
        #expect(t.evaluate(at: clock.now()).allowed)
    }
}
