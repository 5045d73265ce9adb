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
    /// Changes to the lease after `resourceVersion` (nil: from its current state), until the
    /// server ends the stream or it fails; nil if this lock cannot watch. A standby uses it
    /// only to notice changes sooner: every decision still rests on a read and a
    /// compare-and-swap write. Throws `LeaseWatchExpired` when `resourceVersion` is too old.
    func watch(after resourceVersion: String?) -> AsyncThrowingStream<LeaseChange, Error>?
}

extension LeaseLock {
    /// Locks without a watch: standbys find changes by polling alone.
    public func watch(after resourceVersion: String?) -> AsyncThrowingStream<LeaseChange, Error>? { nil }
}

/// One change a lease watch reported.
public enum LeaseChange: Sendable, Equatable {
    /// Created or modified; the record carries its new resourceVersion.
    case changed(LeaseRecord)
    /// Deleted; `resourceVersion` is the deletion's, to resume the watch after it.
    case deleted(resourceVersion: String?)
    /// Nothing changed up to this version (a bookmark): resume from here.
    case progress(resourceVersion: String)

    /// Where a watch that saw this change resumes.
    public var resourceVersion: String? {
        switch self {
        case .changed(let record): return record.resourceVersion
        case .deleted(let version): return version
        case .progress(let version): return version
        }
    }
}

/// A lease watch was asked to resume from a version the server no longer has: start again
/// from the current state.
public struct LeaseWatchExpired: Error, Sendable, CustomStringConvertible {
    public let detail: String
    public init(_ detail: String) { self.detail = detail }
    public var description: String { "lease watch must restart from the current state: \(detail)" }
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
