/// What happened to one credential file; the `operation` label of
/// `cardano_credential_operations_total`.
public enum CredentialOperation: String, Sendable, Hashable, CaseIterable {
    /// The target was (re)written from the source.
    case install
    /// The target already had the source's content (by SHA-256); nothing was written.
    case unchanged
    /// The target was unlinked.
    case remove
    /// The target was already absent.
    case alreadyAbsent = "already_absent"

    public var metricLabel: String { rawValue }
}

/// One file's outcome; count these by (operation, file) for metrics.
public struct CredentialOperationRecord: Sendable, Hashable {
    public var operation: CredentialOperation
    public var file: CredentialKind

    public init(operation: CredentialOperation, file: CredentialKind) {
        self.operation = operation
        self.file = file
    }
}

/// The outcome of `install()` or `remove()`.
public struct CredentialChange: Sendable, Equatable {
    /// One record per file handled, in handling order.
    public var operations: [CredentialOperationRecord]

    public init(operations: [CredentialOperationRecord] = []) {
        self.operations = operations
    }

    /// Whether any file changed on disk, i.e. whether cardano-node needs a SIGHUP.
    public var changedFiles: Bool {
        operations.contains { $0.operation == .install || $0.operation == .remove }
    }
}

/// Why a credential operation failed. Messages name files and errno, never contents.
public enum CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A source could not be read; nothing at any target was touched.
    case sourceUnreadable(CredentialKind, path: String, SystemError)
    /// A source is empty (e.g. a Secret key without data); nothing at any target was touched.
    case sourceEmpty(CredentialKind, path: String)
    /// Writing or unlinking a target failed. `completed` lists what was done before (install)
    /// or besides (remove: every file is attempted) the failure.
    case targetFailed(CredentialKind, path: String, SystemError, completed: CredentialChange)

    public var description: String {
        switch self {
        case .sourceUnreadable(let kind, let path, let error):
            return "cannot read \(kind.rawValue) source \(path): \(error)"
        case .sourceEmpty(let kind, let path):
            return "\(kind.rawValue) source \(path) is empty"
        case .targetFailed(let kind, let path, let error, _):
            return "cannot update \(kind.rawValue) target \(path): \(error)"
        }
    }
}

/// The credentials' state as reported in `credentials.state`.
public enum CredentialState: Sendable, Equatable, CustomStringConvertible {
    /// All three targets exist with the sources' content.
    case present
    /// No target exists.
    case absent
    /// Some targets exist, or all exist but some differ from their source.
    case partial
    /// A target or source could not be read; the state is unknown.
    case error(String)

    /// The report annotation's value.
    public var reportValue: String {
        switch self {
        case .present: return "present"
        case .absent: return "absent"
        case .partial: return "partial"
        case .error: return "error"
        }
    }

    public var description: String {
        if case .error(let reason) = self { return "error: \(reason)" }
        return reportValue
    }
}
