import Foundation
import ForgeCore
import KubeClient
import Testing
import TestSupport

/// A standby watches its lease (ARCHITECTURE.md §7): a release reaches it within a round trip,
/// and polling covers a watch that is cut or refused. (LeaderElectorTrafficTests: no polling
/// while the watch is healthy.)
@Suite(.serialized) struct LeaderElectorWatchTests {
    /// Long timings, so a poll cannot explain a fast take-over.
    static let slowLease = Duration.seconds(12)
    static let slowRenew = Duration.seconds(8)
    static let slowRetry = Duration.seconds(5)
    static let slowRenewInterval = Duration.seconds(2)

    /// The standby's GETs of the lease (the leader only PUTs): its polls.
    static func standbyPolls(_ emulator: Emulator, since: Int) async throws -> [LoggedRequest] {
        try await emulator.requestLog(since: since).filter {
            $0.method == "GET" && $0.path.hasSuffix("/leases/\(ElectionTimings.leaseName)")
        }
    }

    @Test func releasedLeaseReachesAStandbyWithALongRetryPeriodThroughItsWatch() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        func slow(_ identity: String) throws -> ElectorUnderTest {
            try ElectorUnderTest(
                emulator: emulator, identity: identity, leaseDuration: Self.slowLease,
                renewDeadline: Self.slowRenew, retryPeriod: Self.slowRetry, renewInterval: Self.slowRenewInterval)
        }
        let a = try slow("pod-a")
        try await eventually(timeout: .seconds(5), "a leads") { await a.isLeader }
        let b = try slow("pod-b")
        try await eventually(timeout: .seconds(5), "b sees a") { b.events.contains { $0.event.isObserved("pod-a") } }
        // Once b's watch is healthy it does not poll at all, and a's lease (renewed every 2 s)
        // would expire for b 12 s after a renewal: only the watch can bring the release sooner.
        try await eventually(timeout: .seconds(8), "b's watch is healthy") { await b.isWatchHealthy }
        let mark = try await emulator.requestLog().last?.seq ?? 0
        let releasedAt = SystemMonotonicClock().now()
        await a.elector.release()
        var samples = 0
        while await !b.isLeader {
            let (la, lb) = (await a.isLeader, await b.isLeader)
            #expect(!(la && lb), "never two leaders")
            samples += 1
            if SystemMonotonicClock().now().duration(since: releasedAt) > .seconds(4) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let acquiredAt = try #require(b.firstTime(\.isAcquired), "b took over")
        let handOver = acquiredAt.duration(since: releasedAt)
        print("hand-over through the watch took \(handOver)")
        #expect(handOver < .milliseconds(1500), "hand-over took \(handOver); without the watch it needs >= 4 s")
        #expect(try await Self.standbyPolls(emulator, since: mark).count <= 1, "b read once, to take the released lease")
        #expect(await a.isLeader == false)
        let snapshot = try #require(b.events.compactMap { $0.event.acquiredSnapshot }.first)
        #expect(snapshot.leaseTransitions == 1)
        #expect(try await storedLease(b.client).spec.holderIdentity == "pod-b")
        await a.waitForRunToEnd()
        await b.stop()
    }

    @Test func standbyWhoseWatchIsCutTakesOverAfterExpiryByPolling() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let a = try ElectorUnderTest(emulator: emulator, identity: "pod-a", releaseOnCancel: false)
        try await eventually(timeout: .seconds(5), "a leads") { await a.isLeader }
        let b = try ElectorUnderTest(emulator: emulator, identity: "pod-b")
        try await eventually(timeout: .seconds(5), "b sees a") { b.events.contains { $0.event.isObserved("pod-a") } }
        // From now on every lease watch is refused, and the open one is cut.
        _ = try await emulator.addFault(FaultRule(method: "GET", pathRegex: "/leases\\?watch=", status: 500))
        try await emulator.cutWatches()
        let mark = try await emulator.requestLog().last?.seq ?? 0
        try await eventually(timeout: .seconds(5), "b tries to re-watch and is refused") {
            try await emulator.requestLog(since: mark).contains { $0.path.hasSuffix("/leases") && $0.status == 500 }
        }
        // a dies without releasing: only expiry, seen by polling, can hand over.
        await a.stop() // every event of a is recorded now
        let stoppedAt = SystemMonotonicClock().now()
        let lastRenewal = a.events.last { $0.event.isRenewed || $0.event.isAcquired }?.at
        #expect(await a.isLeader == false)
        #expect(a.count(\.isReleased) == 0)
        let bound = ElectionTimings.leaseDuration + ElectionTimings.retryPeriod + .seconds(1)
        try await eventually(timeout: bound + .seconds(1), "b takes over after expiry") { await b.isLeader }
        let acquiredAt = try #require(b.firstTime(\.isAcquired))
        let since = lastRenewal ?? stoppedAt
        print("take-over after expiry with the watch refused: \(acquiredAt.duration(since: since)) after a's last renewal")
        #expect(acquiredAt.duration(since: since) < bound)
        // Expiry is judged from b's own observation of a's last write: never before leaseDuration.
        #expect(acquiredAt.duration(since: since) >= ElectionTimings.leaseDuration - ElectionTimings.retryPeriod)
        #expect(a.count(\.isAcquired) == 1 && a.count(\.isFenced) + a.count(\.isLost) <= 1)
        #expect(try await storedLease(b.client).spec.holderIdentity == "pod-b")
        await b.stop()
    }
}

extension LeaderElectorWatchTests {
    /// Every lease watch is refused here, so each attempt to open one is logged at once.
    static func watchAttempts(_ emulator: Emulator, since: Int = 0) async throws -> Int {
        try await emulator.requestLog(since: since).filter { $0.path.hasSuffix("/leases") && $0.status == 500 }.count
    }

    /// The leader has no use for a watch; a standby's watch ends with its run().
    @Test func onlyARunningStandbyWatches() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        _ = try await emulator.addFault(FaultRule(method: "GET", pathRegex: "/leases\\?watch=", status: 500))
        let a = try ElectorUnderTest(emulator: emulator, identity: "pod-a")
        try await eventually(timeout: .seconds(5), "a leads") { await a.isLeader }
        try await eventually(timeout: .seconds(3), "a renews twice") { a.count(\.isRenewed) >= 2 }
        #expect(try await Self.watchAttempts(emulator) == 0, "the leader never opens a watch")

        let b = try ElectorUnderTest(emulator: emulator, identity: "pod-b")
        try await eventually(timeout: .seconds(5), "the standby tries to watch") {
            try await Self.watchAttempts(emulator) > 0
        }
        await b.stop()
        let mark = try await emulator.requestLog().last?.seq ?? 0
        // A watch loop still running would retry within its first backoffs (< 1 s) here.
        try await Task.sleep(for: .seconds(2))
        #expect(try await Self.watchAttempts(emulator, since: mark) == 0, "no watch after run() ended")
        #expect(await a.isLeader)
        await a.stop()
    }
}
