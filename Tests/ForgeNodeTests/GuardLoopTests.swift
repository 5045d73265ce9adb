#if canImport(Glibc)
import Glibc
#endif
import ForgeCore
@testable import ForgeNode
import TestSupport
import Testing

/// The guard with real key files, a real stand-in node and real signals; only the clock is
/// manual, so "the deadline passed" is exact and instant.
@Suite(.serialized) struct GuardLoopTests {
    struct Setup {
        let fixture: StandInFixture
        let clock = ManualClock()
        let fence: FenceFile
        let credentials: CredentialManager
        let guardLoop: GuardLoop

        init(processName: String = "cardano-node") throws {
            fixture = try StandInFixture("guard")
            fence = FenceFile(path: fixture.directory.file("fence"))
            // The key files the node reads are the targets; sources are irrelevant to removal.
            let pair = { (path: String) in CredentialFiles.Pair(source: path + ".src", target: path) }
            credentials = CredentialManager(files: CredentialFiles(kesKey: pair(fixture.kes), vrfKey: pair(fixture.vrf),
                                                                   operationalCertificate: pair(fixture.opCert)))
            guardLoop = GuardLoop(fenceFile: fence, credentials: credentials,
                                  locator: NodeProcessLocator(processName: processName, socketPath: fixture.socket),
                                  clock: clock)
        }

        var keysPresent: Bool { (try? credentials.anyTargetPresent()) ?? true }
    }

    /// A forging stand-in (keys present, enabled by SIGHUP).
    static func forgingNode(_ setup: Setup) async throws -> ChildProcess {
        let node = try setup.fixture.start(nonProducing: true)
        try await setup.fixture.waitForSocket()
        kill(node.pid, SIGHUP)
        try await eventually(timeout: .seconds(5), "node forging") { setup.fixture.transitionStates() == ["enabled sighup"] }
        return node
    }

    @Test func idleWhileDeadlineInFutureThenRemovesKeysAndDisablesNode() async throws {
        let setup = try Setup()
        defer { setup.fixture.directory.remove() }
        let node = try await Self.forgingNode(setup)
        defer { node.terminateNow() }

        // No record yet: booting pod, keys legitimately present.
        #expect(setup.guardLoop.tick() == GuardTickOutcome(enforcing: false, reason: "no fence record yet"))
        try setup.fence.writeForging(holder: "pod-0", deadline: setup.clock.now().advanced(by: .seconds(2)), clock: setup.clock)
        for _ in 0..<5 {
            #expect(!setup.guardLoop.tick().enforcing)
            setup.clock.advance(by: .milliseconds(300))
        }
        #expect(setup.keysPresent)
        #expect(setup.fixture.transitionStates() == ["enabled sighup"])

        setup.clock.advance(by: .milliseconds(500))  // now 2.0 s: deadline reached
        let outcome = setup.guardLoop.tick()
        #expect(outcome.enforcing)
        #expect(outcome.removed == CredentialKind.allCases)
        #expect(outcome.signalled?.pid == node.pid)
        #expect(outcome.error == nil)
        #expect(!setup.keysPresent)
        try await eventually(timeout: .seconds(5), "node disabled") { setup.fixture.transitionStates() == ["enabled sighup", "disabled sighup"] }

        // Nothing more to do while the keys stay gone: no further signals.
        let quiet = setup.guardLoop.tick()
        #expect(quiet.enforcing && quiet.removed.isEmpty && quiet.signalled == nil)

        // Keys reappear past the deadline (a hung reporter waking up): removed again.
        setup.fixture.writeKeys()
        let again = setup.guardLoop.tick()
        #expect(again.removed == CredentialKind.allCases)
        #expect(again.signalled?.pid == node.pid)
        #expect(!setup.keysPresent)

        // A renewed deadline makes the guard stand down.
        try setup.fence.writeForging(holder: "pod-0", deadline: setup.clock.now().advanced(by: .seconds(2)), clock: setup.clock)
        setup.fixture.writeKeys()
        #expect(!setup.guardLoop.tick().enforcing)
        #expect(setup.keysPresent)
    }

    @Test func notForgingRecordIsLeftAlone() throws {
        let setup = try Setup()
        defer { setup.fixture.directory.remove() }
        try setup.fence.writeNotForging(holder: "pod-0", clock: setup.clock)
        setup.clock.advance(by: .seconds(3600))
        #expect(!setup.guardLoop.tick().enforcing)
        #expect(setup.keysPresent)
    }

    @Test func vanishedOrCorruptFenceAfterARecordFailsClosed() throws {
        let setup = try Setup(processName: "no-such-node-process")
        defer { setup.fixture.directory.remove() }
        try setup.fence.writeNotForging(holder: "pod-0", clock: setup.clock)
        #expect(!setup.guardLoop.tick().enforcing)
        unlink(setup.fence.path)
        let outcome = setup.guardLoop.tick()
        #expect(outcome.enforcing)
        #expect(outcome.removed == CredentialKind.allCases)
        #expect(!setup.keysPresent)

        setup.fixture.writeKeys()
        setup.fixture.directory.write("fence", "{not json")
        let corrupt = setup.guardLoop.tick()
        #expect(corrupt.enforcing && corrupt.reason.contains("unusable"))
        #expect(corrupt.removed == CredentialKind.allCases)
    }

    /// The reporter died after unlinking the keys but before its SIGHUP: the node still forges.
    /// The guard must signal once on expiry even though no key is left, and retry until the
    /// node can be found.
    @Test func signalsOnExpiryEvenWithoutKeysAndRetriesUntilDelivered() async throws {
        let setup = try Setup()
        defer { setup.fixture.directory.remove() }
        try setup.fence.writeForging(holder: "pod-0", deadline: setup.clock.now().advanced(by: .seconds(1)), clock: setup.clock)
        #expect(!setup.guardLoop.tick().enforcing)
        setup.clock.advance(by: .seconds(2))
        // No node running yet: the SIGHUP fails and stays pending.
        _ = try setup.credentials.remove()
        let failed = setup.guardLoop.tick()
        #expect(failed.enforcing && failed.signalled == nil)
        #expect(failed.error?.contains("SIGHUP failed") == true)

        // The node appears (forging, since it started producing), then the keys go.
        setup.fixture.writeKeys()
        let node = try setup.fixture.start(nonProducing: false)
        defer { node.terminateNow() }
        try await setup.fixture.waitForSocket()
        #expect(setup.fixture.transitionStates() == ["enabled start"])
        _ = try setup.credentials.remove()
        let delivered = setup.guardLoop.tick()
        #expect(delivered.removed.isEmpty)
        #expect(delivered.signalled?.pid == node.pid)
        try await eventually(timeout: .seconds(5), "node disabled") { setup.fixture.transitionStates() == ["enabled start", "disabled sighup"] }
        // Delivered: no more signals while nothing changes.
        #expect(setup.guardLoop.tick().signalled == nil)
    }

    @Test func runLoopEnforcesOnItsOwn() async throws {
        let setup = try Setup()
        defer { setup.fixture.directory.remove() }
        let node = try await Self.forgingNode(setup)
        defer { node.terminateNow() }
        try setup.fence.writeForging(holder: "pod-0", deadline: setup.clock.now().advanced(by: .seconds(1)), clock: setup.clock)
        let task = Task { await setup.guardLoop.run() }
        defer { task.cancel() }
        try await eventually(timeout: .seconds(5), "guard idle first") { setup.keysPresent }
        setup.clock.advance(by: .seconds(1))
        try await eventually(timeout: .seconds(5), "keys removed by the loop") { !setup.keysPresent }
        try await eventually(timeout: .seconds(5), "node disabled") { setup.fixture.transitionStates().last == "disabled sighup" }
    }
}
