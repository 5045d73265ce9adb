import Foundation
import Testing
@testable import ForgeCore

/// The pure election state machine, driven by a manual monotonic clock.
@Suite struct LeaseElectionTests {
    let clock = ManualClock()
    let wall = Date(timeIntervalSince1970: 1_750_000_000)
    let config = LeaderElectionConfig(
        leaseName: "cardano-leader-mainnet-pool1abcde", namespace: "cardano", identity: "pod-a",
        leaseDuration: .seconds(15), renewDeadline: .seconds(10), retryPeriod: .seconds(2))

    func foreign(_ holder: String?, rv: String = "7", renewTime: String? = nil, transitions: Int = 3) -> LeaseRecord {
        LeaseRecord(holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: renewTime,
                    renewTime: renewTime, leaseTransitions: transitions, resourceVersion: rv)
    }

    /// Acquires through the normal path and returns the state (leader, fence deadline set).
    func leading(sentAt: MonotonicInstant? = nil) -> LeaseElection {
        var e = LeaseElection(config: config)
        _ = e.observe(nil, at: clock.now())
        guard case .create(let r) = e.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("expected create"); return e
        }
        var written = r
        written.resourceVersion = "1"
        _ = e.writeSucceeded(written, sentAt: sentAt ?? clock.now(), at: clock.now(), wallNow: wall)
        return e
    }

    @Test func absentLeaseIsCreatedWithUsAsHolder() {
        var e = LeaseElection(config: config)
        #expect(e.observe(nil, at: clock.now()) == [.observed(holder: nil)])
        guard case .create(let r) = e.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("expected create"); return
        }
        #expect(r.holderIdentity == "pod-a")
        #expect(r.leaseDurationSeconds == 15)
        #expect(r.leaseTransitions == 0)
        #expect(r.renewTime == "2025-06-15T15:06:40.000000Z")
        #expect(r.acquireTime == r.renewTime)
        #expect(r.resourceVersion == nil)
    }

    @Test func leaseWithoutHolderIsAcquiredAtOnceAndCountsATransition() {
        for holder in [nil, ""] as [String?] {
            var e = LeaseElection(config: config)
            _ = e.observe(foreign(holder, transitions: 4), at: clock.now())
            guard case .acquire(let r) = e.decide(at: clock.now(), wallNow: wall) else {
                Issue.record("expected acquire for holder \(String(describing: holder))"); continue
            }
            #expect(r.holderIdentity == "pod-a")
            #expect(r.leaseTransitions == 5)
            #expect(r.resourceVersion == "7", "the write must be a CAS on what we read")
        }
    }

    @Test func freshForeignLeaseIsNotTaken() {
        var e = LeaseElection(config: config)
        let seen = clock.now()
        _ = e.observe(foreign("pod-b"), at: seen)
        clock.advance(by: .seconds(14.9))
        #expect(e.decide(at: clock.now(), wallNow: wall)
            == .wait(holder: "pod-b", expiresAt: seen.advanced(by: .seconds(15))))
        #expect(!e.isLeader)
    }

    @Test func foreignLeaseExpiresLeaseDurationAfterWeSawItChange() {
        var e = LeaseElection(config: config)
        _ = e.observe(foreign("pod-b", rv: "7"), at: clock.now())
        clock.advance(by: .seconds(10))
        // A renewal by pod-b (new resourceVersion) restarts our wait.
        let renewedAt = clock.now()
        _ = e.observe(foreign("pod-b", rv: "8"), at: renewedAt)
        clock.advance(by: .seconds(10))
        // The same record read again changes nothing.
        _ = e.observe(foreign("pod-b", rv: "8"), at: clock.now())
        #expect(e.observedAt == renewedAt)
        guard case .wait = e.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("lease renewed 10 s ago must still be valid"); return
        }
        clock.advance(by: .seconds(5))
        guard case .acquire(let r) = e.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("expected acquire of the expired lease"); return
        }
        #expect(r.leaseTransitions == 4)
        #expect(r.resourceVersion == "8")
    }

    @Test func expiryUsesTheRecordsLeaseDurationNotOurs() {
        var e = LeaseElection(config: config)
        var record = foreign("pod-b")
        record.leaseDurationSeconds = 40
        _ = e.observe(record, at: clock.now())
        clock.advance(by: .seconds(39))
        guard case .wait = e.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("the holder announced 40 s"); return
        }
        clock.advance(by: .seconds(1))
        guard case .acquire = e.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("expired after 40 s"); return
        }
        // A missing duration falls back to ours rather than meaning "already expired".
        var e2 = LeaseElection(config: config)
        record.leaseDurationSeconds = nil
        _ = e2.observe(record, at: clock.now())
        clock.advance(by: .seconds(14))
        guard case .wait = e2.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("missing duration must not expire the lease"); return
        }
    }

    @Test func renewTimeAnHourOffInEitherDirectionChangesNothing() {
        for renewTime in ["2025-06-15T14:06:40.000000Z", "2025-06-15T16:06:40.000000Z"] {
            var e = LeaseElection(config: config)
            let seen = clock.now()
            _ = e.observe(foreign("pod-b", renewTime: renewTime), at: seen)
            #expect(e.decide(at: clock.now(), wallNow: wall)
                == .wait(holder: "pod-b", expiresAt: seen.advanced(by: .seconds(15))))
            clock.advance(by: .seconds(15))
            guard case .acquire = e.decide(at: clock.now(), wallNow: wall) else {
                Issue.record("expected acquire after leaseDuration regardless of renewTime"); continue
            }
        }
    }

    @Test func ourOwnRecordIsReacquiredAtOnceWithoutATransition() {
        var e = LeaseElection(config: config)
        _ = e.observe(foreign("pod-a", transitions: 6), at: clock.now())
        guard case .acquire(let r) = e.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("a record naming us is ours to take"); return
        }
        #expect(r.leaseTransitions == 6)
    }

    @Test func successfulAcquireSetsFenceDeadlineFromSendTime() {
        var e = LeaseElection(config: config)
        _ = e.observe(foreign(nil), at: clock.now())
        guard case .acquire(var r) = e.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("expected acquire"); return
        }
        let sentAt = clock.now()
        clock.advance(by: .milliseconds(700)) // request latency
        r.resourceVersion = "8"
        let events = e.writeSucceeded(r, sentAt: sentAt, at: clock.now(), wallNow: wall)
        let deadline = sentAt.advanced(by: .seconds(10))
        #expect(events == [
            .observed(holder: "pod-a"),
            .acquired(LeaseSnapshot(record: r, fenceDeadline: deadline, acquiredAt: wall)),
        ])
        #expect(e.isLeader)
        #expect(e.fenceDeadline == deadline)
        // 9.3 s left: the attempt may use all but one retryPeriod (2 s) of it.
        #expect(e.attemptTimeout(at: clock.now()) == .milliseconds(7300))
    }

    @Test func renewalKeepsAcquireTimeAndTransitionsAndMovesTheDeadline() {
        var e = leading()
        let acquireTime = e.observedRecord?.acquireTime
        clock.advance(by: .seconds(2))
        guard case .renew(var r) = e.decide(at: clock.now(), wallNow: wall.addingTimeInterval(2)) else {
            Issue.record("leader renews"); return
        }
        #expect(r.acquireTime == acquireTime)
        #expect(r.renewTime == "2025-06-15T15:06:42.000000Z")
        #expect(r.leaseTransitions == 0)
        #expect(r.resourceVersion == "1")
        let sentAt = clock.now()
        clock.advance(by: .milliseconds(100))
        r.resourceVersion = "2"
        let events = e.writeSucceeded(r, sentAt: sentAt, at: clock.now(), wallNow: wall)
        #expect(events == [.renewed(at: sentAt, fenceDeadline: sentAt.advanced(by: .seconds(10)))])
        #expect(e.fenceDeadline == sentAt.advanced(by: .seconds(10)))
    }

    @Test func fenceFiresExactlyAtTheDeadline() throws {
        var e = leading()
        let deadline = try #require(e.fenceDeadline)
        clock.advance(by: .seconds(10) - .nanoseconds(1))
        #expect(e.checkFence(at: clock.now()).isEmpty)
        #expect(e.isLeader)
        #expect(e.attemptTimeout(at: clock.now()) == .nanoseconds(1))
        clock.advance(by: .nanoseconds(1))
        #expect(clock.now() == deadline)
        #expect(e.decide(at: clock.now(), wallNow: wall) == .fenced)
        let events = e.checkFence(at: clock.now())
        #expect(events.count == 1)
        guard case .fenced = events.first else { Issue.record("expected fenced"); return }
        #expect(!e.isLeader)
        #expect(e.fenceDeadline == nil)
        #expect(e.checkFence(at: clock.now()).isEmpty, "fences once")
    }

    @Test func aWriteSentBeforeTheFenceDoesNotRestoreLeadership() {
        var e = leading()
        clock.advance(by: .seconds(9))
        guard case .renew(var r) = e.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("leader renews"); return
        }
        let sentAt = clock.now()  // this request hangs across the fence deadline
        clock.advance(by: .seconds(1))
        #expect(!e.checkFence(at: clock.now()).isEmpty)
        clock.advance(by: .milliseconds(500))
        r.resourceVersion = "2"
        let events = e.writeSucceeded(r, sentAt: sentAt, at: clock.now(), wallNow: wall)
        #expect(events.isEmpty)
        #expect(!e.isLeader)
        // The record still names us: the normal path re-acquires with a fresh CAS.
        guard case .acquire(let again) = e.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("expected re-acquire through the normal path"); return
        }
        #expect(again.resourceVersion == "2")
        #expect(again.leaseTransitions == 0)
    }

    @Test func aSuccessReturningAfterItsOwnDeadlineIsWorthless() {
        var e = LeaseElection(config: config)
        _ = e.observe(foreign(nil), at: clock.now())
        guard case .acquire(var r) = e.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("expected acquire"); return
        }
        let sentAt = clock.now()
        clock.advance(by: .seconds(10))
        r.resourceVersion = "8"
        _ = e.writeSucceeded(r, sentAt: sentAt, at: clock.now(), wallNow: wall)
        #expect(!e.isLeader)
    }

    @Test func seeingAnotherHolderWhileLeadingIsALoss() {
        var e = leading()
        let events = e.observe(foreign("pod-b", rv: "9", transitions: 1), at: clock.now())
        #expect(events == [.observed(holder: "pod-b"), .lost(reason: "the lease is held by pod-b")])
        #expect(!e.isLeader)
        #expect(e.fenceDeadline == nil)
        var deleted = leading()
        #expect(deleted.observe(nil, at: clock.now()).last == .lost(reason: "the lease was deleted"))
    }

    @Test func releaseStepsDownFirstAndClearsTheHolder() throws {
        var e = leading()
        let (record, wasLeader) = e.beginRelease(at: clock.now(), wallNow: wall)
        #expect(wasLeader)
        #expect(!e.isLeader, "no leadership while the release is in flight")
        let r = try #require(record)
        #expect(r.holder == nil)
        #expect(r.leaseDurationSeconds == 1)
        #expect(r.leaseTransitions == 0)
        #expect(r.resourceVersion == "1")
        var written = r
        written.resourceVersion = "2"
        #expect(e.releaseSucceeded(written, at: clock.now()) == [.observed(holder: nil), .released])
        // Nothing to release when the lease is someone else's.
        var other = LeaseElection(config: config)
        _ = other.observe(foreign("pod-b"), at: clock.now())
        #expect(other.beginRelease(at: clock.now(), wallNow: wall).record == nil)
    }

    @Test func transitionsCountHolderChangesOnly() {
        // absent -> a (0), a renews (0), released (0), b takes it (1), b expires, a takes it (2)
        var a = leading()
        #expect(a.leaseTransitions == 0)
        let released = a.beginRelease(at: clock.now(), wallNow: wall).record!
        var b = LeaseElection(config: LeaderElectionConfig(
            leaseName: "l", namespace: "n", identity: "pod-b"))
        _ = b.observe(released, at: clock.now())
        guard case .acquire(let byB) = b.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("released lease is free"); return
        }
        #expect(byB.leaseTransitions == 1)
        _ = a.observe(byB, at: clock.now())
        clock.advance(by: .seconds(15))
        guard case .acquire(let byA) = a.decide(at: clock.now(), wallNow: wall) else {
            Issue.record("b's lease expired by a's observation"); return
        }
        #expect(byA.leaseTransitions == 2)
    }

    @Test func observedEventsOnlyOnHolderChanges() {
        var e = LeaseElection(config: config)
        #expect(e.observe(foreign("pod-b", rv: "1"), at: clock.now()) == [.observed(holder: "pod-b")])
        #expect(e.observe(foreign("pod-b", rv: "2"), at: clock.now()).isEmpty)
        #expect(e.observe(foreign("pod-c", rv: "3"), at: clock.now()) == [.observed(holder: "pod-c")])
        #expect(e.observe(foreign("", rv: "4"), at: clock.now()) == [.observed(holder: nil)])
    }
}
