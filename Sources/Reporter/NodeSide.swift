import ForgeCore

/// Everything the controller does to, or learns from, the cardano-node side of its pod. One
/// protocol so the controller's decisions are unit-tested against a fake; `PodNodeSide` is the
/// real implementation over ForgeNode (/proc, signals, key files, socket, fence file).
///
/// All methods but the socket probe are synchronous on purpose: the controller decides and acts
/// without suspending in between, so no leadership event can interleave with a half-done change.
protocol NodeSide: Sendable {
    /// Whether the node-to-client socket accepts a connection right now (bounded by a timeout).
    func socketAcceptsConnections() async -> Bool
    /// Finds the cardano-node process afresh (never a cached pid).
    func locateNode() -> NodeLocation
    /// The target credential files as they are now.
    func credentialSnapshot() -> CredentialSnapshot
    /// Copies the source credentials into place (0600, atomic). Returns whether anything changed.
    func installCredentials() throws -> Bool
    /// Unlinks the target credentials. Returns whether anything changed.
    func removeCredentials() throws -> Bool
    /// Sends SIGHUP to `pid`.
    func sendReload(to pid: Int32) throws
    /// Records, for the guard, until when keys may stay installed.
    func writeFence(_ record: FenceIntent) throws
    /// Whether a node log is configured to confirm reloads.
    var canConfirm: Bool { get }
    /// A position in the node's log; confirmations are looked for after it.
    func logMark() -> Int
    /// The forging state the node logged after `mark` ("...: Enabling/Disabling block
    /// forging"), the latest one if several; nil when it logged none (or no log is configured).
    func loggedForging(after mark: Int) -> Bool?
}

enum NodeLocation: Equatable, Sendable {
    case found(pid: Int32, nonProducingFlag: Bool)
    /// No cardano-node process exists: nothing can be forging.
    case notRunning
    /// Cannot tell which process it is (several match, /proc unreadable, ...): never a guess.
    case unavailable(String)

    var pid: Int32? {
        if case .found(let pid, _) = self { return pid }
        return nil
    }
}

struct CredentialSnapshot: Equatable, Sendable {
    var state: ForgeReport.CredentialState
    /// Hex SHA-256 of the installed operational certificate.
    var opCertSHA256: String?
    var detail: String?

    static let absent = CredentialSnapshot(state: .absent)
}

/// What the fence file tells the guard.
enum FenceIntent: Equatable, Sendable {
    /// Keys may be installed until `deadline` (monotonic, CLOCK_BOOTTIME shared by the pod).
    case forging(until: MonotonicInstant)
    /// Nothing to enforce: the reporter does not intend the node to forge.
    case notForging
}
