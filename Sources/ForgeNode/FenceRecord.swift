import ForgeCore

/// What the reporter promises the guard: "I may forge until `deadline`" or "I am not forging".
///
/// Times are CLOCK_BOOTTIME nanoseconds (`SystemMonotonicClock`), which every container of a
/// pod shares because they share a kernel; wall-clock time would let a clock step move the
/// fence.
public struct FenceRecord: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int
    /// The reporter's election identity (pod name).
    public var holder: String
    /// Boottime ns after which keys must be gone; nil = not forging (nothing to enforce).
    public var deadlineNanoseconds: UInt64?
    public var writtenAtNanoseconds: UInt64
    public var reporterPID: Int32
    /// The node process the keys were installed for (with a deadline only): the guard signals
    /// exactly that process, and a restarted reporter disables it first. Optional fields, so
    /// version 1 records without them still read.
    public var nodePID: Int32?
    public var nodeStartTime: UInt64?

    public init(holder: String, deadline: MonotonicInstant?, writtenAt: MonotonicInstant, reporterPID: Int32,
                node: NodeProcessID? = nil) {
        self.version = Self.currentVersion
        self.holder = holder
        self.deadlineNanoseconds = deadline?.nanoseconds
        self.writtenAtNanoseconds = writtenAt.nanoseconds
        self.reporterPID = reporterPID
        self.nodePID = node?.pid
        self.nodeStartTime = node?.startTime
    }

    public var node: NodeProcessID? {
        guard let nodePID, let nodeStartTime else { return nil }
        return NodeProcessID(pid: nodePID, startTime: nodeStartTime)
    }

    public var deadline: MonotonicInstant? { deadlineNanoseconds.map(MonotonicInstant.init(nanoseconds:)) }
    public var writtenAt: MonotonicInstant { MonotonicInstant(nanoseconds: writtenAtNanoseconds) }

    enum CodingKeys: String, CodingKey {
        case version
        case holder
        case deadlineNanoseconds = "deadlineNs"
        case writtenAtNanoseconds = "writtenAtNs"
        case reporterPID = "reporterPid"
        case nodePID = "nodePid"
        case nodeStartTime = "nodeStartTime"
    }
}
