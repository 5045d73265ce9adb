import ForgeCore

/// `shouldForge = holdsLease ∧ clusterAllowed ∧ nodeUp` (ARCHITECTURE.md §4.3), plus the fence
/// rule: keys are installed only while the fence deadline is more than `margin` away and kept
/// only until it passes.
struct ForgingCondition: Equatable, Sendable {
    var holdsLease: Bool
    var clusterAllowed: Bool
    var nodeUp: Bool
    var fenceDeadline: MonotonicInstant?
    var now: MonotonicInstant
    var margin: Duration

    /// Whether the keys should be present after this pass, given whether they are now.
    func shouldForge(keysInstalled: Bool) -> Bool {
        guard holdsLease, clusterAllowed, nodeUp, let deadline = fenceDeadline else { return false }
        let remaining = deadline.duration(since: now)
        if keysInstalled { return remaining > .zero }
        return remaining > margin
    }

    var fenceExpired: Bool {
        guard holdsLease, let deadline = fenceDeadline else { return false }
        return now >= deadline
    }
}
