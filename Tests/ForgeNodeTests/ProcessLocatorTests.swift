#if canImport(Glibc)
import Glibc
#endif
@testable import ForgeNode
import Foundation
import ForgeCore
import TestSupport
import Testing

/// Locator and signaller against real processes: two stand-ins started through symlinks named
/// `cardano-node` (comm "cardano-node"), and decoys that only mention the name.
@Suite(.serialized) struct ProcessLocatorTests {
    @Test func procTableReadsOwnProcess() throws {
        let me = try #require(ProcFileSystemProcessTable().process(pid: getpid()))
        #expect(me.pid == getpid())
        #expect(me.startTime > 0)
        #expect(me.isAlive)
        #expect(me.executableNameFromExe)
        #expect(me.commandLine.first.map(PosixFile.baseName) != nil)
        #expect(try ProcFileSystemProcessTable().processes().contains { $0.pid == getpid() })
    }

    @Test func findsTheNodeBySocketAmongSeveralAndIgnoresDecoys() async throws {
        let first = try StandInFixture("loc-a")
        let second = try StandInFixture("loc-b")
        defer { first.directory.remove(); second.directory.remove() }
        let nodeA = try first.start(nonProducing: true)
        let nodeB = try second.start(nonProducing: false)
        // Decoy 1: the stand-in under its own name: comm "cardano-node-st" starts with
        // "cardano-node" and its cmdline names the socket, but it is not called cardano-node.
        let decoyArgs = first.arguments(socket: first.directory.file("decoy.socket"))
        let decoy = try ChildProcess.launch(executable: try standInBinary(), arguments: Array(decoyArgs.dropFirst()),
                                            environment: [:], outputFile: first.directory.file("decoy.out"))
        // Decoy 2: a single process (no orphaned children) whose command line contains
        // "cardano-node" and the socket path.
        let shell = try ChildProcess.launch(executable: "/usr/bin/python3",
                                            arguments: ["-c", "import time; time.sleep(30)", "cardano-node",
                                                        "--socket-path", first.socket],
                                            environment: [:], outputFile: first.directory.file("shell.out"))
        defer { [nodeA, nodeB, decoy, shell].forEach { $0.terminateNow() } }
        try await first.waitForSocket()
        try await second.waitForSocket()

        let table = ProcFileSystemProcessTable()
        let decoyEntry = try #require(table.process(pid: decoy.pid))
        #expect(decoyEntry.comm == "cardano-node-st")

        let foundA = try NodeProcessLocator(processName: "cardano-node", socketPath: first.socket).locate()
        #expect(foundA.pid == nodeA.pid)
        #expect(foundA.nonProducingFlag)
        #expect(foundA.namesSocketPath)
        #expect(foundA.entry.comm == "cardano-node")

        // "--socket-path=P" form and a lexically different spelling of the same path.
        let spelled = second.directory.path + "//./node.socket"
        let foundB = try NodeProcessLocator(processName: "cardano-node", socketPath: spelled).locate()
        #expect(foundB.pid == nodeB.pid)
        #expect(!foundB.nonProducingFlag)

        // Both name a socket, neither ours: they are other pods' nodes (several nodes share one
        // PID namespace on one host), so ours is simply not running, which must not block boot.
        #expect(throws: NodeLocatorError.notFound(processName: "cardano-node")) {
            try NodeProcessLocator(processName: "cardano-node", socketPath: "/nowhere.socket",
                                   table: Table(entries: [try #require(table.process(pid: nodeA.pid)),
                                                          try #require(table.process(pid: nodeB.pid))])).locate()
        }

        // Neither decoy matches the name, although both mention it.
        let locator = NodeProcessLocator(processName: "cardano-node", socketPath: first.socket)
        #expect(!locator.matchesName(decoyEntry))
        #expect(!locator.matchesName(try #require(table.process(pid: shell.pid))))

        // The exact executable basename (from /proc/PID/exe, 20 bytes > the 15-byte comm)
        // matches every stand-in; the socket path singles out the decoy.
        let byLongName = try NodeProcessLocator(processName: "cardano-node-standin",
                                                socketPath: first.directory.file("decoy.socket")).locate()
        #expect(byLongName.pid == decoy.pid)

        // The only candidate for a name names another socket: not ours, so not running.
        #expect(throws: NodeLocatorError.notFound(processName: "cardano-node-standin")) {
            try NodeProcessLocator(processName: "cardano-node-standin", socketPath: "/elsewhere.socket",
                                   table: Table(entries: [decoyEntry])).locate()
        }
        // Two processes naming our socket: ambiguous, listed, never a guess.
        var twin = decoyEntry
        twin.pid += 100_000
        #expect {
            try NodeProcessLocator(processName: "cardano-node-standin", socketPath: first.directory.file("decoy.socket"),
                                   table: Table(entries: [decoyEntry, twin])).locate()
        } throws: { error in
            guard case .ambiguous(_, _, let candidates) = error as? NodeLocatorError else { return false }
            return Set(candidates.map(\.pid)) == [decoyEntry.pid, twin.pid]
        }

        // A name nobody has.
        #expect(throws: NodeLocatorError.notFound(processName: "cardano-nodex")) {
            try NodeProcessLocator(processName: "cardano-nodex", socketPath: first.socket).locate()
        }
    }

    @Test func signallerDeliversSIGHUPAndRefusesStaleIdentity() async throws {
        let fixture = try StandInFixture("sig")
        defer { fixture.directory.remove() }
        let node = try fixture.start(nonProducing: true)
        defer { node.terminateNow() }
        try await fixture.waitForSocket()
        let located = try NodeProcessLocator(processName: "cardano-node", socketPath: fixture.socket).locate()
        let signaller = KillSignaller()

        // Same pid, different start time: what a recycled PID looks like. Refused, not sent.
        var stale = located.identity
        stale.startTime -= 1
        #expect(throws: SignalError.processChanged(expected: stale, found: located.identity)) {
            try signaller.sendHangUp(to: stale)
        }
        #expect(fixture.transitionStates().isEmpty)

        try signaller.sendHangUp(to: located.identity)
        try await eventually(timeout: .seconds(5), "enabled after SIGHUP") { fixture.transitionStates() == ["enabled sighup"] }

        node.signal(SIGKILL)
        #expect(await node.waitExit(timeout: .seconds(5)) != nil)
        #expect(throws: SignalError.noSuchProcess(pid: located.pid)) {
            try signaller.sendHangUp(to: located.identity)
        }
    }

    @Test func matchingRulesOnAFixedTable() throws {
        let longName = "cardano-node-experimental"  // 25 bytes: comm holds only 15
        let table = Table(entries: [
            ProcessEntry(pid: 10, comm: "cardano-node-ex", executableName: "other", commandLine: ["/bin/" + longName], startTime: 1),
            ProcessEntry(pid: 11, comm: "cardano-node-ex", executableName: "other", commandLine: ["/bin/cardano-node-exporter"], startTime: 1),
            ProcessEntry(pid: 12, comm: "cardano-node", executableName: nil, executableNameFromExe: false,
                         commandLine: [], startTime: 1, state: "Z"),
        ])
        let found = try NodeProcessLocator(processName: longName, socketPath: "/s", table: table).locate()
        #expect(found.pid == 10)
        // The zombie is not a candidate.
        #expect(throws: NodeLocatorError.notFound(processName: "cardano-node")) {
            try NodeProcessLocator(processName: "cardano-node", socketPath: "/s", table: table).locate()
        }
        #expect(NodeProcessLocator.socketArgument(in: ["run", "--socket-path=/a", "--socket-path", "/b"]) == "/b")
    }
}

/// A procfs that only exists on disk: another process whose `stat` and `cmdline` are FIFOs
/// (a read blocks until someone writes), as a read of a process's memory-locked details can.
@Suite struct ProcScanDoesNotTouchOthersTests {
    @Test func aProcessWhoseDetailsWouldBlockIsNeverRead() async throws {
        let root = NSTemporaryDirectory() + "fakeproc-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ourStat = "41 (cardano-node) S 1 41 41 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 777 0 0"
        for (pid, comm) in [(41, "cardano-node"), (42, "postgres")] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(pid)", withIntermediateDirectories: true)
            try Data((comm + "\n").utf8).write(to: URL(fileURLWithPath: "\(root)/\(pid)/comm"))
        }
        try Data(ourStat.utf8).write(to: URL(fileURLWithPath: "\(root)/41/stat"))
        try Data("cardano-node\0run\0--socket-path\0/ipc/node.socket\0".utf8)
            .write(to: URL(fileURLWithPath: "\(root)/41/cmdline"))
        for file in ["stat", "cmdline"] { #expect(mkfifo("\(root)/42/\(file)", 0o600) == 0) }

        let table = ProcFileSystemProcessTable(procRoot: root)
        let result = Locked<NodeProcess?>(nil)
        let done = Locked(false)
        Thread.detachNewThread {
            let found = try? NodeProcessLocator(processName: "cardano-node", socketPath: "/ipc/node.socket", table: table).locate()
            result.withLock { $0 = found }
            done.withLock { $0 = true }
        }
        try await eventually(timeout: .seconds(5), "the scan returns without reading the other process") { done.current }
        #expect(result.current?.pid == 41)
        #expect(result.current?.entry.startTime == 777)
        // Had it blocked, this releases the reader (a writer opening the FIFO ends its wait).
        for file in ["stat", "cmdline"] {
            let fd = open("\(root)/42/\(file)", O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
        }
    }
}

/// A fixed process table for the pure matching rules.
private struct Table: ProcessTable {
    var entries: [ProcessEntry]
    func processes() throws -> [ProcessEntry] { entries }
    func process(pid: Int32) -> ProcessEntry? { entries.first { $0.pid == pid } }
}
