#if canImport(Glibc)
import Glibc
#endif
@testable import ForgeNode
import TestSupport
import Testing

/// The stand-in must behave like cardano-node (ARCHITECTURE.md §3), or every safety test built
/// on it proves nothing.
@Suite(.serialized) struct StandInNodeTests {
    @Test func refusesToStartWithAMissingKey() async throws {
        let fixture = try StandInFixture("si-missing")
        defer { fixture.directory.remove() }
        unlink(fixture.opCert)
        let node = try fixture.start(nonProducing: true)
        defer { node.terminateNow() }
        #expect(await node.waitExit(timeout: .seconds(5)) == 1)
        #expect(node.output.contains("node.cert"))
        #expect(access(fixture.socket, F_OK) != 0)
    }

    @Test(arguments: [mode_t(0o644), 0o640])
    func refusesAVRFKeyAccessibleByGroupOrOther(mode: mode_t) async throws {
        let fixture = try StandInFixture("si-vrf")
        defer { fixture.directory.remove() }
        chmod(fixture.vrf, mode)
        let node = try fixture.start(nonProducing: true)
        defer { node.terminateNow() }
        #expect(await node.waitExit(timeout: .seconds(5)) == 1)
        #expect(node.output.contains("VRF private key file"))
    }

    @Test func producingStartForgesAtOnceAndExitClosesTheInterval() async throws {
        let fixture = try StandInFixture("si-start")
        defer { fixture.directory.remove() }
        let node = try fixture.start(nonProducing: false)
        defer { node.terminateNow() }
        try await fixture.waitForSocket()
        #expect(fixture.transitionStates() == ["enabled start"])
        node.signal(SIGTERM)
        #expect(await node.waitExit(timeout: .seconds(5)) == 0)
        #expect(fixture.transitionStates() == ["enabled start", "disabled exit"])
        #expect(access(fixture.socket, F_OK) != 0)  // socket removed on exit
        var timeline = ForgingTimeline()
        try timeline.add(transitionsFile: fixture.transitions)
        let intervals = try timeline.intervals(openUntil: boottimeNow())
        #expect(intervals.count == 1 && intervals[0].open == false && intervals[0].pid == node.pid)
    }

    @Test func ignoresSIGHUPDuringReplayAndOpensSocketOnlyAfterwards() async throws {
        let fixture = try StandInFixture("si-replay")
        defer { fixture.directory.remove() }
        let node = try fixture.start(nonProducing: true, replayDelay: 1.5)
        defer { node.terminateNow() }
        try await eventually(timeout: .seconds(5), "stand-in started") { (readFile(fixture.log) ?? "").contains("starting") }
        kill(node.pid, SIGHUP)
        try await eventually(timeout: .seconds(5), "not-effective logged") { (readFile(fixture.log) ?? "").contains("not effective") }
        #expect(node.isRunning)  // SIGHUP did not kill it either
        #expect(access(fixture.socket, F_OK) != 0)
        #expect(fixture.transitionStates().isEmpty)
        try await fixture.waitForSocket()
        kill(node.pid, SIGHUP)
        try await eventually(timeout: .seconds(5), "enabled after replay") { fixture.transitionStates() == ["enabled sighup"] }
    }

    @Test func sighupEnablesDisablesAndKeepsStateOnOtherErrors() async throws {
        let fixture = try StandInFixture("si-hup")
        defer { fixture.directory.remove() }
        let node = try fixture.start(nonProducing: true)
        defer { node.terminateNow() }
        try await fixture.waitForSocket()
        let watcher = ForgingConfirmationWatcher(logPath: fixture.log)

        var offset = watcher.endOffset()
        kill(node.pid, SIGHUP)
        #expect(await watcher.waitForEvent(.enabled, after: offset, timeout: .seconds(5)))
        #expect(fixture.transitionStates() == ["enabled sighup"])

        // Unreadable for another reason than absence: state unchanged. The tests run as root,
        // which ignores mode bits, so use a directory in the key's place (EISDIR) there.
        unlink(fixture.kes)
        if geteuid() == 0 { mkdir(fixture.kes, 0o700) } else { fixture.directory.write("kes.skey", "x", mode: 0) }
        offset = watcher.endOffset()
        kill(node.pid, SIGHUP)
        #expect(await watcher.waitForEvent(.error, after: offset, timeout: .seconds(5)))
        #expect(fixture.transitionStates() == ["enabled sighup"])

        // Missing: disabled.
        rmdir(fixture.kes)
        unlink(fixture.kes)
        offset = watcher.endOffset()
        kill(node.pid, SIGHUP)
        #expect(await watcher.waitForEvent(.disabled, after: offset, timeout: .seconds(5)))
        #expect(fixture.transitionStates() == ["enabled sighup", "disabled sighup"])

        // Another SIGHUP with the key still missing logs again but is no transition.
        offset = watcher.endOffset()
        kill(node.pid, SIGHUP)
        #expect(await watcher.waitForEvent(.disabled, after: offset, timeout: .seconds(5)))
        #expect(fixture.transitionStates() == ["enabled sighup", "disabled sighup"])

        // Removing files without SIGHUP changes nothing; restoring + SIGHUP enables again.
        fixture.writeKeys()
        offset = watcher.endOffset()
        kill(node.pid, SIGHUP)
        #expect(await watcher.waitForEvent(.enabled, after: offset, timeout: .seconds(5)))
        #expect(fixture.transitionStates() == ["enabled sighup", "disabled sighup", "enabled sighup"])
    }
}
