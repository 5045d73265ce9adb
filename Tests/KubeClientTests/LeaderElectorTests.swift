import Foundation
import ForgeCore
import KubeClient
import Testing
import TestSupport

/// Leader election against the API emulator: mutual exclusion, hand-over on release,
/// indifference to the wall clock, a deleted lease, transient errors.
@Suite(.serialized) struct LeaderElectorTests {
    @Test func exactlyOneOfTwoCandidatesLeadsForASustainedWindow() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let a = try ElectorUnderTest(emulator: emulator, identity: "pod-a")
        let b = try ElectorUnderTest(emulator: emulator, identity: "pod-b")
        try await eventually(timeout: .seconds(5), "one candidate leads") {
            let (la, lb) = (await a.isLeader, await b.isLeader)
            return la || lb
        }
        let aLeads = await a.isLeader
        let leader = aLeads ? a : b
        let transitions = try await storedLease(a.client).spec.leaseTransitions
        // Sample for longer than leaseDuration: a standby that judged expiry wrongly would
        // take over inside this window.
        let clock = SystemMonotonicClock()
        let end = clock.now().advanced(by: .seconds(4))
        var samples = 0
        while clock.now() < end {
            let (la, lb) = (await a.isLeader, await b.isLeader)
            #expect(la != lb, "exactly one leader at every sample (a: \(la), b: \(lb))")
            #expect(la == (leader === a))
            samples += 1
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(samples > 40)
        let lease = try await storedLease(a.client)
        #expect(lease.spec.holderIdentity == leader.identity)
        #expect(lease.spec.leaseDurationSeconds == 3)
        #expect(lease.spec.leaseTransitions == transitions, "no hand-over happened")
        #expect(leader.count(\.isRenewed) >= 4, "the leader renews every renewInterval")
        for elector in [a, b] {
            #expect(elector.count(\.isLost) == 0 && elector.count(\.isFenced) == 0)
            #expect(elector.events.contains { $0.event.isObserved(leader.identity) })
        }
        await a.stop()
        await b.stop()
    }

    @Test func releasedLeaseIsTakenByTheStandbyWithinAboutOneRetryPeriod() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let (a, b) = try await leaderAndObservingStandby(emulator)

        let releasedAt = SystemMonotonicClock().now()
        await a.elector.release()
        #expect(await a.isLeader == false)
        try await eventually(timeout: .seconds(1), "a reports the release") { a.count(\.isReleased) == 1 }
        try await eventually(timeout: .seconds(3), "b takes over") { await b.isLeader }
        let acquiredAt = try #require(b.firstTime(\.isAcquired))
        let handOver = acquiredAt.duration(since: releasedAt)
        expectPromptHandOver(handOver)
        let snapshot = try #require(b.events.compactMap { $0.event.acquiredSnapshot }.first)
        #expect(snapshot.leaseTransitions == 1)
        await a.waitForRunToEnd() // release() ends the campaign
        #expect(await a.isLeader == false)
        await b.stop()
    }

    @Test func cancellingRunReleasesTheLease() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let (a, b) = try await leaderAndObservingStandby(emulator)
        let stoppedAt = SystemMonotonicClock().now()
        await a.stop() // the event stream has ended: every event is recorded
        #expect(a.count(\.isReleased) == 1)
        // Released: cleared, or already taken by b (whose `.acquired` may still be on its way to
        // b's recorder: checking that event instead raced with b's watch-driven take-over).
        let holder = try await storedLease(a.client).spec.holderIdentity
        #expect(holder == nil || holder == "pod-b", "holder \(holder ?? "<none>")")
        try await eventually(timeout: .seconds(3), "b takes over") { await b.isLeader }
        let handOver = try #require(b.firstTime(\.isAcquired)).duration(since: stoppedAt)
        expectPromptHandOver(handOver)
        await b.stop()
    }

    /// "pod-a" leads and "pod-b" has observed it: the starting point of the hand-over tests.
    private func leaderAndObservingStandby(_ emulator: Emulator) async throws -> (ElectorUnderTest, ElectorUnderTest) {
        let a = try ElectorUnderTest(emulator: emulator, identity: "pod-a")
        try await eventually(timeout: .seconds(5), "a leads") { await a.isLeader }
        let b = try ElectorUnderTest(emulator: emulator, identity: "pod-b")
        try await eventually(timeout: .seconds(5), "b sees a") { b.events.contains { $0.event.isObserved("pod-a") } }
        return (a, b)
    }

    /// Without the release the standby would wait for expiry (>= leaseDuration - retryPeriod
    /// = 2.5 s); the release makes it about one retryPeriod. The slack is for a loaded machine.
    private func expectPromptHandOver(_ handOver: Duration) {
        print("hand-over took \(handOver)")
        #expect(handOver < ElectionTimings.retryPeriod + .milliseconds(1400), "hand-over took \(handOver)")
    }

    /// Decisions use only the monotonic clock: wall clocks an hour apart (either way) between
    /// leader and standby make nobody lose or steal the lease; renewTime just shows the skew.
    @Test(arguments: [3600.0, -3600.0])
    func wallClocksAnHourOffChangeNothing(leaderOffset: TimeInterval) async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let a = try ElectorUnderTest(emulator: emulator, identity: "pod-a", wallOffset: leaderOffset)
        try await eventually(timeout: .seconds(5), "a leads") { await a.isLeader }
        let b = try ElectorUnderTest(emulator: emulator, identity: "pod-b", wallOffset: -leaderOffset)
        let clock = SystemMonotonicClock()
        let end = clock.now().advanced(by: .seconds(4))
        while clock.now() < end {
            #expect(await a.isLeader)
            #expect(await b.isLeader == false)
            try await Task.sleep(for: .milliseconds(100))
        }
        let lease = try await storedLease(a.client)
        #expect(lease.spec.holderIdentity == "pod-a")
        #expect(lease.spec.leaseTransitions == 0)
        let renewTime = try #require(lease.spec.renewTime.flatMap { MicroTime.date(from: $0) })
        let skew = renewTime.timeIntervalSinceNow
        #expect(abs(skew - leaderOffset) < 60, "renewTime carries the leader's (shifted) wall clock")
        #expect(a.count(\.isLost) + a.count(\.isFenced) == 0)
        #expect(b.count(\.isAcquired) == 0)
        await a.stop()
        await b.stop()
    }

    /// Leases allow create-on-update (as in Kubernetes), so the leader's next renewal PUT
    /// re-creates a deleted lease. That is safe: had anyone else created it meanwhile, the PUT
    /// would have lost the compare-and-swap. Leadership continues without a gap.
    @Test func deletedLeaseIsRecreatedByTheLeadersNextRenewal() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let a = try ElectorUnderTest(emulator: emulator, identity: "pod-a")
        try await eventually(timeout: .seconds(5), "a leads") { await a.isLeader }
        let oldUID = try await storedLease(a.client).metadata.uid
        try await a.client.delete(.leases, namespace: ElectionTimings.namespace, name: ElectionTimings.leaseName)
        let deletedAt = SystemMonotonicClock().now()
        try await eventually(timeout: .seconds(3), "the lease is back") {
            (try? await storedLease(a.client)).map { $0.metadata.uid != oldUID } ?? false
        }
        try await eventually(timeout: .seconds(2), "a renews again") { a.firstTime(after: deletedAt, \.isRenewed) != nil }
        let lease = try await storedLease(a.client)
        #expect(lease.spec.holderIdentity == "pod-a")
        #expect(await a.isLeader)
        #expect(a.count(\.isLost) + a.count(\.isFenced) == 0)
        await a.stop()
    }

    @Test func renewalErrorsShorterThanRenewDeadlineAreRidden() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let a = try ElectorUnderTest(emulator: emulator, identity: "pod-a")
        try await eventually(timeout: .seconds(5), "a leads") { await a.isLeader }
        // Two failed renewals (at renewInterval, then one retryPeriod later) use 1.25 s of the
        // 2 s renewDeadline; the third attempt, 1.75 s after the last success, gets through.
        _ = try await emulator.addFault(FaultRule(method: "PUT", pathRegex: leaseWrites(by: "pod-a"), status: 500, times: 2))
        let faultAt = SystemMonotonicClock().now()
        try await eventually(timeout: .seconds(4), "renewals resume") {
            a.count(\.isRenewed) > 0 && a.firstTime(after: faultAt.advanced(by: .seconds(1)), \.isRenewed) != nil
        }
        let log = try await emulator.requestLog()
        #expect(log.filter { $0.method == "PUT" && $0.status == 500 }.count == 2, "the faults were hit")
        #expect(a.count(\.isFenced) == 0 && a.count(\.isLost) == 0)
        #expect(await a.isLeader)
        await a.stop()
    }
}
