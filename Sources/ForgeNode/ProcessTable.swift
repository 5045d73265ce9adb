/// One process as seen in the process table.
public struct ProcessEntry: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    /// `/proc/PID/comm`: the kernel truncates it to 15 bytes (TASK_COMM_LEN - 1).
    public var comm: String
    /// Basename of `/proc/PID/exe` when we may read that link, else of argv[0]; nil when
    /// neither is available (kernel threads, zombies).
    public var executableName: String?
    /// Whether `executableName` came from `/proc/PID/exe` (trustworthy) or argv[0] (which a
    /// process can set to anything).
    public var executableNameFromExe: Bool
    /// `/proc/PID/cmdline` split on NUL.
    public var commandLine: [String]
    /// Field 22 of `/proc/PID/stat` (clock ticks after boot). With `pid` it identifies a
    /// process across PID reuse.
    public var startTime: UInt64
    /// Field 3 of `/proc/PID/stat` ("R", "S", "Z", ...).
    public var state: Character

    public init(pid: Int32, comm: String, executableName: String?, executableNameFromExe: Bool = true,
                commandLine: [String], startTime: UInt64, state: Character = "S") {
        self.pid = pid
        self.comm = comm
        self.executableName = executableName
        self.executableNameFromExe = executableNameFromExe
        self.commandLine = commandLine
        self.startTime = startTime
        self.state = state
    }

    /// Zombies and dead tasks cannot forge and cannot usefully be signalled.
    public var isAlive: Bool { state != "Z" && state != "X" && state != "x" }

    public var identity: ProcessIdentity { ProcessIdentity(pid: pid, comm: comm, startTime: startTime) }

    public var description: String {
        "pid \(pid) comm=\(comm) exe=\(executableName ?? "?") cmdline=\(commandLine.joined(separator: " "))"
    }
}

/// What identifies one process across PID reuse: a recycled PID gets a new start time.
public struct ProcessIdentity: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var comm: String
    public var startTime: UInt64

    public init(pid: Int32, comm: String, startTime: UInt64) {
        self.pid = pid
        self.comm = comm
        self.startTime = startTime
    }

    public var description: String { "pid \(pid) (\(comm), start \(startTime))" }
}

/// Read access to the process table, behind a protocol so the locator and guard logic can be
/// tested with a fixed table while `ProcFileSystemProcessTable` is tested against real processes.
public protocol ProcessTable: Sendable {
    /// A snapshot of all processes. Processes that exit during the scan are skipped.
    func processes() throws -> [ProcessEntry]
    /// One process, or nil if it does not exist (any more).
    func process(pid: Int32) -> ProcessEntry?
    /// The processes whose comm passes `keep`, reading nothing else of the others.
    func processes(whereComm keep: (String) -> Bool) throws -> [ProcessEntry]
}

extension ProcessTable {
    public func processes(whereComm keep: (String) -> Bool) throws -> [ProcessEntry] {
        try processes().filter { keep($0.comm) }
    }
}
