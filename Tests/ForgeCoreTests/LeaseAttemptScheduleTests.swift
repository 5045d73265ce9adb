import Foundation
import PropertyBased
import Testing
@testable import ForgeCore

/// When the next election attempt is due: the leader's renew cadence and retries, and a
/// standby that reads only when its lease may be taken while its watch is healthy.
@Suite struct LeaseAttemptScheduleTests {
    let clock = ManualClock()
    let wall = Date(timeIntervalSince1970: 1_750_000_000)
    let config = LeaderElectionConfig(
        leaseName: "lease", namespace: "ns", identity: "pod-a", leaseDuration: .seconds(15),
        renewDeadline: .seconds(10), retryPeriod: .seconds(2), renewInterval: .seconds(5))

    func held(by holder: String?, rv: String) -> LeaseRecord {
        LeaseRecord(holderIdentity: holder, leaseDurationSeconds: holder == nil ? 1 : 15, leaseTransitions: 1, resourceVersion: rv)
    }

    /// A standby that has read a lease held by pod-b and decided to wait.
    func waitingStandby(watchHealthy: Bool) -> (LeaseElection, LeaseAttemptSchedule) {
        var e = LeaseElection(config: config)
        var s = LeaseAttemptSchedule(config: config)
        s.attemptStarted(at: clock.now())
        _ = e.observe(held(by: "pod-b", rv: "1"), at: clock.now())
        s.attemptEnded(.waiting, at: clock.now(), unitRandom: 0)
        if watchHealthy { _ = s.watchDelivered() }
        return (e, s)
    }

    @Test func theLeaderRenewsEveryRenewIntervalAndRetriesEveryRetryPeriod() {
        var e = LeaseElection(config: config)
        var s = LeaseAttemptSchedule(config: config)
        _ = e.observe(nil, at: clock.now())
        guard case .create(var r) = e.decide(at: clock.now(), wallNow: wall) else { Issue.record("create"); return }
        r.resourceVersion = "1"
        let start = clock.now()
        s.attemptStarted(at: start)
        clock.advance(by: .milliseconds(30))
        _ = e.writeSucceeded(r, sentAt: start, at: clock.now(), wallNow: wall)
        s.attemptEnded(.leading, at: clock.now(), unitRandom: 0.5)
        #expect(s.nextAttempt(for: e, at: clock.now()) == start.advanced(by: .seconds(5)), "renewInterval after the start")

        clock.advance(by: .seconds(5) - .milliseconds(30))
        let retryStart = clock.now()
        s.attemptStarted(at: retryStart)
        clock.advance(by: .milliseconds(200)) // a 500
        s.attemptEnded(.failed, at: clock.now(), unitRandom: 0.5)
        #expect(e.isLeader)
        #expect(s.nextAttempt(for: e, at: clock.now()) == retryStart.advanced(by: .seconds(2)), "retryPeriod after a failure")
        #expect(e.fenceDeadline == start.advanced(by: .seconds(10)), "the fence deadline is the last success's send time + renewDeadline")
    }

    @Test func aLeadersHungAttemptLeavesARetryPeriodForTheNextOne() throws {
        var e = LeaseElection(config: config)
        _ = e.observe(nil, at: clock.now())
        guard case .create(let r) = e.decide(at: clock.now(), wallNow: wall) else { Issue.record("create"); return }
        _ = e.writeSucceeded(r, sentAt: clock.now(), at: clock.now(), wallNow: wall)
        clock.advance(by: .seconds(5))
        #expect(e.attemptTimeout(at: clock.now()) == .seconds(3), "5 s left: 3 s, leaving 2 s for a retry")
        clock.advance(by: .seconds(3))
        #expect(e.attemptTimeout(at: clock.now()) == .seconds(2), "2 s left: all of it")
        clock.advance(by: .seconds(1.5))
        #expect(e.attemptTimeout(at: clock.now()) == .milliseconds(500))
        var standby = LeaseElection(config: config)
        #expect(standby.attemptTimeout(at: clock.now()) == .seconds(10), "a standby's attempt: renewDeadline")
        _ = standby.observe(nil, at: clock.now())
    }

    /// Worst case for the leader: every renewal after the last success fails, each after
    /// `latency` or hanging until its timeout. At least two attempts start before the fence
    /// deadline for every configuration the validation accepts.
    @Test func everyValidConfigurationGivesAFailingLeaderTwoAttemptsBeforeItsFence() async {
        let ms = Gen.int(in: 1...20_000)
        await propertyCheck(count: 400, input: ms, ms, ms, Gen.int(in: 0...25_000)) { interval, retry, slack, latencyMs in
            let renewDeadline = Duration.milliseconds(interval + retry + slack)
            let config = LeaderElectionConfig(
                leaseName: "l", namespace: "n", identity: "a",
                leaseDuration: .seconds(Int(renewDeadline.components.seconds) + 2), renewDeadline: renewDeadline,
                retryPeriod: .milliseconds(retry), renewInterval: .milliseconds(interval))
            #expect(throws: Never.self) { try config.validate() }
            let clock = ManualClock()
            var e = LeaseElection(config: config)
            var s = LeaseAttemptSchedule(config: config)
            _ = e.observe(nil, at: clock.now())
            guard case .create(let r) = e.decide(at: clock.now(), wallNow: wall) else { Issue.record("create"); return }
            s.attemptStarted(at: clock.now())
            _ = e.writeSucceeded(r, sentAt: clock.now(), at: clock.now(), wallNow: wall)
            s.attemptEnded(.leading, at: clock.now(), unitRandom: 0)
            let fence = try #require(e.fenceDeadline)
            var starts: [MonotonicInstant] = []
            while true {
                let due = max(clock.now(), s.nextAttempt(for: e, at: clock.now()))
                if due >= fence { break }
                clock.advance(by: due.duration(since: clock.now()))
                let budget = e.attemptTimeout(at: clock.now())
                if budget <= .zero { break }
                starts.append(clock.now())
                s.attemptStarted(at: clock.now())
                clock.advance(by: min(budget, .milliseconds(latencyMs)))
                s.attemptEnded(.failed, at: clock.now(), unitRandom: 0)
            }
            #expect(starts.count >= 2, "attempts at \(starts) before the fence \(fence), config \(config)")
            #expect(starts.first == fence.advanced(by: .milliseconds(interval) - renewDeadline), "the first renewal is due renewInterval after the success")
        }
    }

    @Test func aStandbyWithAHealthyWatchReadsOnlyAtExpiry() {
        var (e, s) = waitingStandby(watchHealthy: true)
        let seen = clock.now()
        #expect(s.nextAttempt(for: e, at: clock.now()) == seen.advanced(by: .seconds(15)), "no poll: the expiry by our observation")
        // Each renewal the watch delivers restarts the wait.
        clock.advance(by: .seconds(5))
        _ = e.observe(held(by: "pod-b", rv: "2"), at: clock.now())
        #expect(s.nextAttempt(for: e, at: clock.now()) == clock.now().advanced(by: .seconds(15)))
        // A bookmark or an unchanged record does not.
        let renewedAt = clock.now()
        clock.advance(by: .seconds(3))
        _ = e.observe(held(by: "pod-b", rv: "2"), at: clock.now())
        #expect(s.nextAttempt(for: e, at: clock.now()) == renewedAt.advanced(by: .seconds(15)))
    }

    @Test func aStandbyPollsWhileItsWatchIsBrokenOrUnconfirmed() {
        var (e, s) = waitingStandby(watchHealthy: false)
        let end = clock.now()
        #expect(s.nextAttempt(for: e, at: clock.now()) == end.advanced(by: .milliseconds(1600)), "unconfirmed: poll at retryPeriod × 0.8")
        let healed = s.watchDelivered(), again = s.watchDelivered()
        #expect(healed && !again, "healthy once")
        #expect(s.nextAttempt(for: e, at: clock.now()) == end.advanced(by: .seconds(15)))
        let broke = s.watchBroke(), brokeAgain = s.watchBroke()
        #expect(broke && !brokeAgain, "broken once")
        #expect(s.nextAttempt(for: e, at: clock.now()) == end.advanced(by: .milliseconds(1600)))
        // Polling never delays the expiry: a lease about to expire is read at its expiry.
        clock.advance(by: .seconds(14))
        s.attemptStarted(at: clock.now())
        s.attemptEnded(.waiting, at: clock.now(), unitRandom: 0.99)
        #expect(s.nextAttempt(for: e, at: clock.now()) == end.advanced(by: .seconds(15)))
        _ = e.observe(nil, at: clock.now())
    }

    @Test func aFailedAttemptIsRetriedAtTheRetryPeriodEvenWithAHealthyWatch() {
        var (e, s) = waitingStandby(watchHealthy: true)
        s.attemptStarted(at: clock.now())
        clock.advance(by: .milliseconds(100))
        s.attemptEnded(.failed, at: clock.now(), unitRandom: 0)
        #expect(s.nextAttempt(for: e, at: clock.now()) == clock.now().advanced(by: .milliseconds(1600)))
        _ = e.observe(nil, at: clock.now())
    }

    @Test func aReleaseOrDeletionSeenByTheWatchIsTriedAtOnce() {
        var (e, s) = waitingStandby(watchHealthy: true)
        clock.advance(by: .seconds(4))
        _ = e.observe(held(by: nil, rv: "2"), at: clock.now())
        #expect(s.nextAttempt(for: e, at: clock.now()) <= clock.now(), "released")
        clock.advance(by: .seconds(1))
        _ = e.observe(nil, at: clock.now())
        #expect(s.nextAttempt(for: e, at: clock.now()) <= clock.now(), "deleted")
        _ = e.observe(held(by: "pod-a", rv: "3"), at: clock.now())
        #expect(s.nextAttempt(for: e, at: clock.now()) <= clock.now(), "names us (a restart with our identity)")
    }

    /// An event seen during an attempt whose older read then hid it: the wake survives.
    @Test func aWakeDuringAnAttemptStartsTheNextAttemptAtOnce() {
        var (e, s) = waitingStandby(watchHealthy: true)
        s.attemptStarted(at: clock.now())
        s.wake()
        s.attemptEnded(.waiting, at: clock.now(), unitRandom: 0)
        #expect(s.nextAttempt(for: e, at: clock.now()) == clock.now())
        s.attemptStarted(at: clock.now())
        #expect(!s.wakeRequested, "cleared when the next attempt starts")
        _ = e.observe(nil, at: clock.now())
    }

    /// Random renewals, watch failures and recoveries: a waiting standby's next read is never
    /// later than the lease's expiry by its own observation (the crash path stays as fast),
    /// and with a healthy watch it is exactly that expiry (no polling).
    @Test func aWaitingStandbyNeverReadsLaterThanExpiryAndNeverPollsWithAHealthyWatch() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...3).array(of: 1...60), Gen.int(in: 0...4_000).array(of: 60...60)) { ops, gaps in
            var (e, s) = waitingStandby(watchHealthy: false)
            var rv = 1
            for (op, gap) in zip(ops, gaps) {
                clock.advance(by: .milliseconds(gap))
                switch op {
                case 0: rv += 1; _ = e.observe(held(by: "pod-b", rv: "\(rv)"), at: clock.now())
                case 1: _ = s.watchDelivered()
                case 2: _ = s.watchBroke()
                default:
                    s.attemptStarted(at: clock.now())
                    s.attemptEnded(.waiting, at: clock.now(), unitRandom: Double(gap) / 4_001)
                }
                let expiry = try #require(e.takeOverPossibleAt)
                let due = s.nextAttempt(for: e, at: clock.now())
                #expect(due <= expiry)
                if s.watchHealthy { #expect(due == expiry) }
            }
        }
    }
}
