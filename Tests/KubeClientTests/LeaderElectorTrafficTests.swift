import Foundation
import ForgeCore
import KubeClient
import Testing
import TestSupport

/// API traffic of the election at rest (issue #10), counted in the emulator's request log: the
/// leader renews every renewInterval and retries every retryPeriod; a standby whose Lease watch
/// is healthy does not poll, polls while the watch is cut, and still takes over at expiry by
/// its own clock (crash) or at once through the watch (release).
@Suite(.serialized) struct LeaderElectorTrafficTests {
    /// GETs of the test Lease: only standbys read (the leader renews from what it wrote).
    static func leaseReads(_ emulator: Emulator, since: Int) async throws -> [LoggedRequest] {
        try await Fixture.logged(emulator, "GET", pathSuffix: "/leases/\(ElectionTimings.leaseName)", since: since)
    }

    /// Watch requests on the namespace's Leases (re-establishments count as reads too).
    static func leaseWatches(_ emulator: Emulator, since: Int) async throws -> [LoggedRequest] {
        try await emulator.requestLog(since: since).filter { $0.method == "GET" && $0.path.hasSuffix("/leases") }
    }

    static func lastSeq(_ emulator: Emulator) async throws -> Int { try await emulator.requestLog().last?.seq ?? 0 }

    /// "pod-a" leads, "pod-b" is a standby whose watch has delivered.
    static func leaderAndWatchingStandby(
        _ emulator: Emulator, releaseOnCancel: Bool = true
    ) async throws -> (ElectorUnderTest, ElectorUnderTest) {
        let a = try ElectorUnderTest(emulator: emulator, identity: "pod-a", releaseOnCancel: releaseOnCancel)
        try await eventually(timeout: .seconds(5), "a leads") { await a.isLeader }
        let b = try ElectorUnderTest(emulator: emulator, identity: "pod-b", releaseOnCancel: releaseOnCancel)
        try await eventually(timeout: .seconds(5), "b sees a") { b.events.contains { $0.event.isObserved("pod-a") } }
        try await eventually(timeout: .seconds(5), "b's watch is healthy") { await b.isWatchHealthy }
        return (a, b)
    }

    /// Six retry periods: a polling standby would read about seven times.
    static let quietWindow = ElectionTimings.retryPeriod * 6

    @Test func aStandbyWithAHealthyWatchDoesNotPollAndTakesAReleaseThroughIt() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let (a, b) = try await Self.leaderAndWatchingStandby(emulator)
        let mark = try await Self.lastSeq(emulator)
        try await Task.sleep(for: Self.quietWindow) // an observation window, not a synchronisation
        #expect(try await Self.leaseReads(emulator, since: mark).isEmpty, "no Lease GET while the watch is healthy")
        #expect(try await Self.leaseWatches(emulator, since: mark).isEmpty, "the watch stayed open")
        let (healthy, bLeads) = (await b.isWatchHealthy, await b.isLeader)
        #expect(healthy && !bLeads)
        // Graceful hand-over: the release reaches b through its watch; b reads once and takes it.
        let releasedAt = SystemMonotonicClock().now()
        await a.elector.release()
        try await eventually(timeout: .seconds(3), "b takes over") { await b.isLeader }
        let handOver = try #require(b.firstTime(\.isAcquired)).duration(since: releasedAt)
        print("graceful hand-over through the watch: \(handOver)")
        #expect(handOver < ElectionTimings.retryPeriod + .milliseconds(1400), "hand-over took \(handOver)")
        #expect(try await Self.leaseReads(emulator, since: mark).count == 1, "one read, then the compare-and-swap")
        await a.waitForRunToEnd()
        await b.stop()
    }

    @Test func aStandbyPollsWhileItsWatchIsCutAndStopsWhenItIsBack() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let (a, b) = try await Self.leaderAndWatchingStandby(emulator)
        let cutMark = try await Self.lastSeq(emulator)
        _ = try await emulator.addFault(FaultRule(method: "GET", pathRegex: "/leases\\?watch=", status: 500))
        try await emulator.cutWatches()
        try await eventually(timeout: .seconds(5), "b polls while its watch is refused") {
            try await Self.leaseReads(emulator, since: cutMark).count >= 3
        }
        #expect(await !b.isWatchHealthy)
        try await emulator.clearFaults()
        // The watch reconnects (capped backoff, at most 10 s, plus the client's own retries of
        // the refused request) from its last resourceVersion and delivers.
        try await eventually(timeout: .seconds(30), "b's watch is back") { await b.isWatchHealthy }
        let backMark = try await Self.lastSeq(emulator)
        try await Task.sleep(for: Self.quietWindow)
        #expect(try await Self.leaseReads(emulator, since: backMark).isEmpty, "polling stopped with the watch back")
        let (aLeads, bLeads) = (await a.isLeader, await b.isLeader)
        #expect(aLeads && !bLeads)
        #expect(a.count(\.isFenced) + a.count(\.isLost) == 0 && b.count(\.isAcquired) == 0)
        await a.stop()
        await b.stop()
    }

    /// Slower renewals here (renewInterval 3 s = 6 retry periods), so a retry after a failure
    /// is told apart from the next regular renewal.
    @Test func theLeaderRenewsEveryRenewIntervalAndRetriesAFailureAtTheRetryPeriod() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let interval = Duration.seconds(3)
        let a = try ElectorUnderTest(
            emulator: emulator, identity: "pod-a", leaseDuration: .seconds(6), renewDeadline: .seconds(4),
            retryPeriod: ElectionTimings.retryPeriod, renewInterval: interval)
        try await eventually(timeout: .seconds(5), "a leads") { await a.isLeader }
        try await eventually(timeout: .seconds(8), "a renews twice") { a.count(\.isRenewed) >= 2 }
        let sends = a.events.compactMap { entry -> MonotonicInstant? in
            if case .renewed(let at, _) = entry.event { at } else { nil }
        }
        for (earlier, later) in zip(sends, sends.dropFirst()) {
            #expect(later.duration(since: earlier) >= interval - .milliseconds(50), "renewals \(later.duration(since: earlier)) apart")
        }
        // One failed renewal: retried a retryPeriod after it started, not a renewInterval.
        let mark = try await Self.lastSeq(emulator)
        _ = try await emulator.addFault(FaultRule(method: "PUT", pathRegex: leaseWrites(by: "pod-a"), status: 500, times: 1))
        try await eventually(timeout: .seconds(8), "the failed renewal is retried") {
            try await Fixture.logged(emulator, "PUT", pathSuffix: "", since: mark).filter { $0.status == 200 }.count >= 1
        }
        let puts = try await emulator.requestLog(since: mark).filter { $0.method == "PUT" }
        let failed = try #require(puts.first { $0.status == 500 })
        let retried = try #require(puts.first { $0.status == 200 && $0.seq > failed.seq })
        let gap = retried.time - failed.time
        print("failed renewal retried \(gap) s later")
        #expect(gap < interval.seconds, "retried after \(gap) s: the retryPeriod, not the renewInterval")
        #expect(await a.isLeader)
        #expect(a.count(\.isFenced) + a.count(\.isLost) == 0, "one failed renewal costs nothing")
        await a.stop()
    }

    /// The leader dies without releasing (no watch event shows anything but its last renewal):
    /// the standby, not polling, reads when the lease expires by its own clock and takes it.
    @Test func aStandbyTakesACrashedLeadersLeaseAtExpiryWithoutPolling() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let (a, b) = try await Self.leaderAndWatchingStandby(emulator, releaseOnCancel: false)
        await a.stop()
        let mark = try await Self.lastSeq(emulator)
        let lastRenewal = try #require(a.events.last { $0.event.isRenewed || $0.event.isAcquired }?.at)
        #expect(a.count(\.isReleased) == 0)
        let bound = ElectionTimings.leaseDuration + ElectionTimings.retryPeriod + .seconds(1)
        try await eventually(timeout: bound + .seconds(1), "b takes over at expiry") { await b.isLeader }
        let acquiredAt = try #require(b.firstTime(\.isAcquired))
        let takeOver = acquiredAt.duration(since: lastRenewal)
        print("crash take-over \(takeOver) after a's last renewal")
        #expect(takeOver < bound, "take-over \(takeOver)")
        #expect(takeOver >= ElectionTimings.leaseDuration - ElectionTimings.retryPeriod, "never before expiry")
        // While waiting b read nothing; at expiry it read once and wrote.
        #expect(try await Self.leaseReads(emulator, since: mark).count == 1, "one read, at expiry")
        #expect(try await storedLease(b.client).spec.holderIdentity == "pod-b")
        await b.stop()
    }
}
