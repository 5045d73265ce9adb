import ForgeCore

/// Everything the controller does to, or learns from, the cardano-node side of its pod. One
/// protocol so the controller is tested against a fake; `PodNodeSide` is the real one over
/// ForgeNode (/proc, pidfds, key files, socket, fence file, guard heartbeat, node log).
///
/// All methods but the socket probe are synchronous on purpose: an action and its outcome are
/// recorded in the state machine without a suspension in between.
protocol NodeSide: Sendable {
    /// Whether the node-to-client socket accepts a connection right now (bounded by a timeout).
    func socketAcceptsConnections() async -> Bool
    /// Finds the cardano-node process for our socket afresh.
    func locateNode() -> NodeSighting
    /// Whether `process` still exists (nil: cannot tell).
    func isAlive(_ process: NodeProcessID) -> Bool?
    /// The target credential files as they are now.
    func credentialSnapshot() -> CredentialSnapshot
    /// Copies the source credentials into place for a node that is about to boot non-producing.
    func provisionCredentials() throws -> Bool
    /// Takes a handle on exactly `process` (every later signal to it goes through that handle),
    /// then copies the source credentials into place. Returns whether any file changed.
    func installCredentials(for process: NodeProcessID) throws -> Bool
    /// Unlinks the target credentials. Returns whether anything changed.
    func removeCredentials() throws -> Bool
    /// Sends `signal` to exactly `process`; throws `SignalError.noSuchProcess` when it is gone.
    func send(_ signal: NodeSignal, to process: NodeProcessID) throws
    /// Records, for the guard, until when keys may stay installed and for which process.
    func writeFence(_ record: FenceIntent) throws
    /// What the previous reporter of this pod left in the fence file.
    func previousFence() -> PreviousFence
    /// The guard's heartbeat is fresh.
    func guardAlive() -> Bool
    /// Whether the node log or the node's metrics are configured to confirm reloads.
    var canConfirm: Bool { get }
    /// Whether a node log is configured: an enable is then claimed only once logged.
    var hasNodeLog: Bool { get }
    /// `cardano_node_metrics_forging_enabled` from the node's own Prometheus endpoint, or nil
    /// (not configured, unreachable, absent). Reads 1 after a non-producing start until the
    /// first reconfiguration, so it only confirms a disable that followed an enable.
    func metricsShowForging() async -> Bool?
    /// A position in the node's log; confirmations are looked for after it.
    func logMark() -> Int
    /// The forging state the node logged after `mark` ("...: Enabling/Disabling block
    /// forging"), the latest one if several; nil when it logged none (or no log is configured).
    func loggedForging(after mark: Int) -> Bool?
}

struct CredentialSnapshot: Equatable, Sendable {
    var state: ForgeReport.CredentialState
    /// Hex SHA-256 of the installed operational certificate.
    var opCertSHA256: String?
    var detail: String?

    static let absent = CredentialSnapshot(state: .absent)

    var keyFiles: KeyFilesState {
        switch state {
        case .present: return .present
        case .absent: return .absent
        case .partial: return .partial
        case .error: return .unreadable
        }
    }
}

extension NodeSide {
    /// Fakes that confirm do so through a log.
    var hasNodeLog: Bool { canConfirm }
}
