import ForgeCore
import FoundationEssentials

/// The Lease election as the controller sees it. `KubeLeadershipSource` runs a `LeaderElector`
/// per membership; tests use a fake that the test drives.
protocol LeadershipSource: Sendable {
    /// Starts taking part in the election. Every update goes to `deliver`, in order.
    func join(_ deliver: @escaping @Sendable (LeadershipUpdate) async -> Void) async
    /// Stops taking part (no more renewals). With `release`, also clears the holder if this
    /// pod holds the Lease, so a standby acquires at once. Returns when done (or given up).
    func leave(release: Bool) async
}

extension LeadershipSource {
    func leave() async { await leave(release: true) }
}

enum LeadershipUpdate: Equatable, Sendable {
    /// This pod holds the Lease; keys may stay until `fenceDeadline` unless renewed.
    case acquired(fenceDeadline: MonotonicInstant, transitions: Int, acquiredAt: Date?)
    case renewed(fenceDeadline: MonotonicInstant)
    /// The holder someone else (or nobody) has, as last observed.
    case observed(holder: String?, transitions: Int?)
    case lost(reason: String)
    /// renewDeadline passed without a successful renew: disable forging now.
    case fenced(reason: String)
    case released
}
