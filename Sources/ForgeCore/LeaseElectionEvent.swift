import FoundationEssentials

/// What a leader elector reports, in order, to its single consumer.
public enum LeadershipEvent: Sendable, Equatable, CustomStringConvertible {
    /// `run()` began campaigning under this identity.
    case started(identity: String)
    /// This process became leader (from not being leader): the lease write that made it so.
    case acquired(LeaseSnapshot)
    /// A renewal succeeded. `at` is when its request was sent (monotonic); leadership is
    /// guaranteed until `fenceDeadline` = `at` + renewDeadline unless a newer renewal extends it.
    case renewed(at: MonotonicInstant, fenceDeadline: MonotonicInstant)
    /// The lease holder as seen by this process changed (nil: absent or released lease).
    case observed(holder: String?)
    /// Leadership ended because the record shows that someone else holds the lease, that it
    /// was cleared or deleted, or a release write failed.
    case lost(reason: String)
    /// Leadership ended because `renewDeadline` passed without a successful renewal.
    case fenced(reason: String)
    /// This process cleared its holder entry; a standby may take over at once.
    case released

    public var description: String {
        switch self {
        case .started(let identity): return "started(\(identity))"
        case .acquired(let snapshot): return "acquired(\(snapshot))"
        case .renewed(let at, let deadline): return "renewed(at: \(at), fenceDeadline: \(deadline))"
        case .observed(let holder): return "observed(\(holder ?? "<none>"))"
        case .lost(let reason): return "lost(\(reason))"
        case .fenced(let reason): return "fenced(\(reason))"
        case .released: return "released"
        }
    }
}

/// The lease as written when this process acquired it.
public struct LeaseSnapshot: Sendable, Equatable, CustomStringConvertible {
    public var record: LeaseRecord
    /// Monotonic time at which leadership ends unless renewed.
    public var fenceDeadline: MonotonicInstant
    /// Wall-clock time of the acquisition (informational; reports show it).
    public var acquiredAt: Date

    public init(record: LeaseRecord, fenceDeadline: MonotonicInstant, acquiredAt: Date) {
        self.record = record
        self.fenceDeadline = fenceDeadline
        self.acquiredAt = acquiredAt
    }

    public var holderIdentity: String? { record.holder }
    public var leaseTransitions: Int { record.leaseTransitions ?? 0 }

    public var description: String { "\(record) fenceDeadline=\(fenceDeadline)" }
}
