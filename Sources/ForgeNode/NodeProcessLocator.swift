/// The cardano-node process this pod's reporter manages.
public struct NodeProcess: Sendable, Equatable {
    public var entry: ProcessEntry
    /// The command line carries `--start-as-non-producing-node`.
    public var nonProducingFlag: Bool
    /// The command line names the configured socket path.
    public var namesSocketPath: Bool

    public var pid: Int32 { entry.pid }
    public var identity: ProcessIdentity { entry.identity }
}

/// Why the node process could not be determined. Never resolved by guessing.
public enum NodeLocatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No process of that name, or only processes whose command line names another socket.
    case notFound(processName: String)
    /// Several processes are named `processName` and the socket path does not single one out.
    case ambiguous(processName: String, socketPath: String, candidates: [ProcessEntry])
    case processTableUnreadable(String)

    public var description: String {
        switch self {
        case .notFound(let name):
            return "no process named \(name) (by /proc/PID/comm or executable name)"
        case .ambiguous(let name, let socket, let candidates):
            let list = candidates.map { "[\($0)]" }.joined(separator: ", ")
            return "\(candidates.count) process(es) named \(name), but not exactly one is for socket \(socket): \(list)"
        case .processTableUnreadable(let reason):
            return "cannot read the process table: \(reason)"
        }
    }
}

/// Finds cardano-node by name, never by a command-line substring (a `grep cardano-node` or a
/// shell wrapper mentioning it must not be signalled).
///
/// Only processes whose comm (the name they were started as, cut by the kernel to 15 bytes) is
/// `processName` or its 15-byte prefix are read further: reading other processes' details can
/// block. Of those, a process matches when its executable basename equals `processName`, or its
/// comm does; a longer `processName` matches comm only as its 15-byte prefix and then also
/// needs argv[0]'s basename to equal the full name.
/// Matches whose command line names another `--socket-path` are not ours and are dropped; when
/// none is left, our node is not running (several nodes share one PID namespace on systemd or
/// compose hosts and with `hostPID`, and a pod whose node has not started yet must still get
/// its boot keys). Of the rest, the one naming `socketPath` (`--socket-path P` or `--socket-path=P`) wins;
/// failing that, a single one naming no socket (socket set in the node's config file) is
/// taken. Anything else is an error listing the candidates.
public struct NodeProcessLocator: Sendable {
    public static let nonProducingFlag = "--start-as-non-producing-node"
    /// The kernel keeps TASK_COMM_LEN - 1 = 15 bytes of the name.
    static let commLength = 15

    public let processName: String
    public let socketPath: String
    public let table: ProcessTable

    public init(processName: String, socketPath: String, table: ProcessTable = ProcFileSystemProcessTable()) {
        self.processName = processName
        self.socketPath = socketPath
        self.table = table
    }

    public func locate() throws -> NodeProcess {
        let all: [ProcessEntry]
        // Only processes whose comm could be the node's are read further (see
        // ProcFileSystemProcessTable.processes(whereComm:)).
        do { all = try table.processes(whereComm: commMayMatch) } catch {
            throw NodeLocatorError.processTableUnreadable("\(error)")
        }
        let named = all.filter { $0.isAlive && matchesName($0) }
        if named.isEmpty { throw NodeLocatorError.notFound(processName: processName) }
        // A node whose command line names another socket is someone else's node (another
        // pod sharing the PID namespace, a test's neighbour) even when it is the only one.
        let notOthers = named.filter { Self.socketArgument(in: $0.commandLine).map(pathsEqual) ?? true }
        if notOthers.isEmpty { throw NodeLocatorError.notFound(processName: processName) }
        let exact = notOthers.filter { Self.socketArgument(in: $0.commandLine) != nil }
        let chosen: ProcessEntry
        if exact.count == 1 {
            chosen = exact[0]
        } else if exact.isEmpty && notOthers.count == 1 {
            chosen = notOthers[0]  // the socket comes from the node's config file, not the command line
        } else {
            throw NodeLocatorError.ambiguous(processName: processName, socketPath: socketPath, candidates: notOthers)
        }
        return NodeProcess(entry: chosen,
                           nonProducingFlag: chosen.commandLine.contains(Self.nonProducingFlag),
                           namesSocketPath: Self.socketArgument(in: chosen.commandLine).map(pathsEqual) ?? false)
    }

    /// comm is the name the process was started as (a link's name, not its target's), cut to
    /// 15 bytes: the node's comm is `processName` or its 15-byte prefix.
    func commMayMatch(_ comm: String) -> Bool {
        if processName.utf8.count <= Self.commLength { return comm == processName }
        return comm == String(decoding: processName.utf8.prefix(Self.commLength), as: UTF8.self)
    }

    func matchesName(_ entry: ProcessEntry) -> Bool {
        if entry.executableNameFromExe, entry.executableName == processName { return true }
        if processName.utf8.count <= Self.commLength { return entry.comm == processName }
        // comm holds only a prefix: insist on the full name from argv[0] as well.
        let prefix = String(decoding: processName.utf8.prefix(Self.commLength), as: UTF8.self)
        let argv0 = entry.commandLine.first.map(PosixFile.baseName)
        return entry.comm == prefix && argv0 == processName
    }

    /// The value of the last `--socket-path` option (the node's option parser keeps the last).
    static func socketArgument(in commandLine: [String]) -> String? {
        var found: String?
        var index = 0
        while index < commandLine.count {
            let argument = commandLine[index]
            if argument == "--socket-path", index + 1 < commandLine.count {
                found = commandLine[index + 1]
                index += 1
            } else if argument.hasPrefix("--socket-path=") {
                found = String(argument.dropFirst("--socket-path=".count))
            }
            index += 1
        }
        return found
    }

    /// Lexical comparison ("//" and "/./" and a trailing "/" ignored). Symlinks are not
    /// resolved: the reporter's view of the file system may differ from the node's.
    func pathsEqual(_ other: String) -> Bool {
        Self.normalise(other) == Self.normalise(socketPath)
    }

    static func normalise(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        let parts = path.split(separator: "/").filter { $0 != "." }
        return (absolute ? "/" : "") + parts.joined(separator: "/")
    }
}
