import ForgeCore

/// What the HTTP probes read. Kept outside the controller actor behind a lock, so a probe is
/// answered at once even while the controller waits on the node or the API.
final class HealthState: Sendable {
    struct Snapshot: Sendable, Equatable {
        var lastPassAt: MonotonicInstant?
        /// Keys provisioned for a non-producing start, or the node already up.
        var nodeCanBoot = false
        var ready = false
        var notReadyReason = "starting"
    }

    private let state = Locked(Snapshot())
    private let clock: MonotonicClock
    private let livenessWindow: Duration

    init(clock: MonotonicClock, livenessWindow: Duration) {
        self.clock = clock
        self.livenessWindow = livenessWindow
    }

    func update(_ body: (inout Snapshot) -> Void) { state.withLock(body) }
    var snapshot: Snapshot { state.current }

    /// Alive while the control loop completes passes; a hung loop gets the container restarted.
    var isAlive: Bool {
        guard let last = state.current.lastPassAt else {
            return true    // still in the first pass: the startup probe covers this period
        }
        return clock.now().duration(since: last) <= livenessWindow
    }
}
