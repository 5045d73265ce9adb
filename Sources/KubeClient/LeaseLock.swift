import ForgeCore

/// The storage a `LeaderElector` campaigns on: one lease record, read and written with
/// compare-and-swap. Implemented for Kubernetes by `KubeLeaseLock`.
public protocol LeaseLock: Sendable {
    /// "namespace/name", for logs and events.
    var lockDescription: String { get }
    /// The current record with its resourceVersion, or nil if the lease does not exist.
    func get() async throws -> LeaseRecord?
    /// Creates the lease; throws `LeaseLockError.lostRace` if it already exists.
    func create(_ record: LeaseRecord) async throws -> LeaseRecord
    /// Replaces the record if its stored resourceVersion still equals `record.resourceVersion`;
    /// throws `LeaseLockError.lostRace` if it changed or the lease is gone.
    func update(_ record: LeaseRecord) async throws -> LeaseRecord
}

/// Outcomes of a lease write that mean "the record is not what we read": someone else wrote
/// (or deleted) it first. The elector re-reads; any other error is retried a period later.
public enum LeaseLockError: Error, Sendable, CustomStringConvertible {
    case lostRace(String)

    public var description: String {
        switch self {
        case .lostRace(let detail): return "lease changed under us: \(detail)"
        }
    }
}
