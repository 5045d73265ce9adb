import Foundation
import ForgeCore
import KubeClient
import Testing
import TestSupport

/// Fencing against the API emulator: a leader whose renewals cannot get through stops leading
/// at its fence deadline, by its own timer, strictly before any standby can take over.
@Suite(.serialized) struct LeaderElectorFenceTests {
    /// The leader's writes hang (the standby's requests and the leader's reads still work):
    /// `.fenced` arrives at the fence deadline, and the standby's `.acquired` strictly later.
    @Test func leaderFencesAtRenewDeadlineBeforeTheStandbyAcquires() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let a = try ElectorUnderTest(emulator: emulator, identity: "pod-a", releaseOnCancel: false)
        try await eventually(timeout: .seconds(5), "a leads") { await a.isLeader }
        let b = try ElectorUnderTest(emulator: emulator, identity: "pod-b", releaseOnCancel: false)
        try await eventually(timeout: .seconds(5), "b sees a") { b.events.contains { $0.event.isObserved("pod-a") } }

        _ = try await emulator.addFault(FaultRule(method: "PUT", pathRegex: leaseWrites(by: "pod-a"), hang: true))
        let faultAt = SystemMonotonicClock().now()
        try await eventually(timeout: .seconds(8), "b takes over") { await b.isLeader }
        let fencedAt = try #require(a.firstTime(after: faultAt, \.isFenced))
        let acquiredAt = try #require(b.firstTime(\.isAcquired))
        // The fence deadline in force: the last one announced (acquired/renewed) before the fence.
        let deadline = try #require(a.events.last { $0.at < fencedAt && $0.event.fenceDeadline != nil }?.event.fenceDeadline)
        #expect(fencedAt >= deadline, "never fenced early")
        // How late the timer's event is delivered is scheduling latency (typically < 250 ms,
        // more on a loaded machine); the safety property is the strict order below.
        print("fenced \(fencedAt.duration(since: deadline)) after the deadline; b acquired \(acquiredAt.duration(since: fencedAt)) after the fence")
        #expect(fencedAt.duration(since: deadline) < .seconds(1), "fenced \(fencedAt.duration(since: deadline)) late")
        #expect(fencedAt < acquiredAt, "the old leader stops strictly before the standby starts")
        // Others may take over only leaseDuration after they saw the last renewal; the fence
        // deadline is renewDeadline after it was sent: the margin is about leaseDuration -
        // renewDeadline, measured from the deadline (load only delays the acquisition).
        #expect(acquiredAt.duration(since: deadline) > .milliseconds(500), "margin \(acquiredAt.duration(since: deadline))")
        #expect(await a.isLeader == false)
        #expect(a.firstTime(after: fencedAt, \.isAcquired) == nil, "a cannot re-acquire while its writes hang")
        let snapshot = try #require(b.events.compactMap { $0.event.acquiredSnapshot }.first)
        #expect(snapshot.leaseTransitions == 1)
        // Healed: a sees b's lease and stays standby.
        try await emulator.clearFaults()
        try await eventually(timeout: .seconds(3), "a observes b") { a.events.contains { $0.event.isObserved("pod-b") } }
        #expect(await a.isLeader == false)
        #expect(await b.isLeader)
        await a.stop()
        await b.stop()
    }

    /// Every write to the lease hangs. The fence still fires on time; the elector claims no
    /// leadership while the fault lasts, and re-acquires its own lease (same holder, so no
    /// transition) once the API heals.
    @Test func fenceTimerFiresWhileARenewRequestIsHung() async throws {
        let emulator = try await startElectionEmulator()
        defer { emulator.stop() }
        let a = try ElectorUnderTest(emulator: emulator, identity: "pod-a", releaseOnCancel: false)
        try await eventually(timeout: .seconds(5), "a leads") { await a.isLeader }
        let requestsBefore = try await emulator.requestLog().last?.seq ?? 0

        _ = try await emulator.addFault(FaultRule(method: "PUT", pathRegex: "/leases/", hang: true))
        let faultAt = SystemMonotonicClock().now()
        try await eventually(timeout: .seconds(4), "a is fenced") { a.firstTime(after: faultAt, \.isFenced) != nil }
        let fencedAt = try #require(a.firstTime(after: faultAt, \.isFenced))
        let deadline = try #require(a.events.last { $0.at < fencedAt && $0.event.fenceDeadline != nil }?.event.fenceDeadline)
        #expect(fencedAt >= deadline)
        // Delivery latency of the timer's event only; the deadline itself is checked exactly.
        print("fenced \(fencedAt.duration(since: deadline)) after the deadline")
        #expect(fencedAt.duration(since: deadline) < .seconds(1), "fenced \(fencedAt.duration(since: deadline)) late")
        #expect(deadline.duration(since: faultAt) <= ElectionTimings.renewDeadline, "the deadline is at most renewDeadline after the fault")
        #expect(await a.isLeader == false)
        #expect(await a.fenceDeadline == nil)
        // The hung PUT never completed (the log records requests when they finish).
        let finishedPuts = try await emulator.requestLog(since: requestsBefore).filter { $0.method == "PUT" && $0.status != 0 }
        #expect(finishedPuts.allSatisfy { $0.status != 200 })

        // While writes keep hanging, a keeps trying (its own lease) but never claims leadership.
        let clock = SystemMonotonicClock()
        let end = clock.now().advanced(by: .seconds(1.5))
        while clock.now() < end {
            #expect(await a.isLeader == false)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(a.firstTime(after: fencedAt, \.isAcquired) == nil)

        try await emulator.clearFaults()
        try await eventually(timeout: .seconds(4), "a re-acquires its own lease") { await a.isLeader }
        let again = try #require(a.events.compactMap { $0.event.acquiredSnapshot }.last)
        #expect(again.leaseTransitions == 0, "same holder: not a transition")
        await a.stop()
    }
}
