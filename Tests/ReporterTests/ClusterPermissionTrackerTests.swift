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
}
