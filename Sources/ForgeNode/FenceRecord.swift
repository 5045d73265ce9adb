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

    public init(holder: String, deadline: MonotonicInstant?, writtenAt: MonotonicInstant, reporterPID: Int32) {
        self.version = Self.currentVersion
        self.holder = holder
        self.deadlineNanoseconds = deadline?.nanoseconds
        self.writtenAtNanoseconds = writtenAt.nanoseconds
        self.reporterPID = reporterPID
    }

    public var deadline: MonotonicInstant? { deadlineNanoseconds.map(MonotonicInstant.init(nanoseconds:)) }
    public var writtenAt: MonotonicInstant { MonotonicInstant(nanoseconds: writtenAtNanoseconds) }

    enum CodingKeys: String, CodingKey {
        case version
        case holder
        case deadlineNanoseconds = "deadlineNs"
        case writtenAtNanoseconds = "writtenAtNs"
        case reporterPID = "reporterPid"
    }
}
