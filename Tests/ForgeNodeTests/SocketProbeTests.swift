#if canImport(Glibc)
import Glibc
#endif
@testable import ForgeNode
import TestSupport
import Testing

@Suite(.serialized) struct SocketProbeTests {
    @Test func distinguishesMissingNotASocketRefusedAndAccepting() async throws {
        let fixture = try StandInFixture("probe")
        defer { fixture.directory.remove() }
        #expect(NodeSocketProbe(path: fixture.socket).probe() == .missing)
        #expect(NodeSocketProbe(path: fixture.kes).probe() == .notASocket)

        let node = try fixture.start(nonProducing: true)
        defer { node.terminateNow() }
        try await fixture.waitForSocket()
        #expect(NodeSocketProbe(path: fixture.socket).probe() == .accepting)
        #expect(NodeSocketProbe(path: fixture.socket).probe().isAccepting)

        // SIGKILL leaves the socket file behind with nobody listening: refused.
        node.signal(SIGKILL)
        #expect(await node.waitExit(timeout: .seconds(5)) != nil)
        #expect(access(fixture.socket, F_OK) == 0)
        #expect(NodeSocketProbe(path: fixture.socket).probe() == .refused)
    }
}
