import ForgeCore

/// Judges the CardanoForgeCluster status fail-closed (ARCHITECTURE.md §4.6): allowed only when
/// the object exists, its status parsed, `forgingEnabled` is true, and its `heartbeat` counter
/// changed within `staleness` — measured on our monotonic clock from when *we* saw it change,
/// so a dead aggregator (or a partitioned API) cannot keep us forging on an old "yes".
///
/// After a (re)start we have not seen any change yet, so we cannot know the status is live:
/// permission waits for the first observed change of `heartbeat`.
struct ClusterPermissionTracker: Sendable {
    /// The few status fields the reporter reads.
    struct StatusView: Equatable, Sendable {
        var forgingEnabled: Bool?
        var heartbeat: Int64?
    }

    enum Observation: Equatable, Sendable {
        case missing
        case unreadable(String)
        case status(StatusView)
    }

    let staleness: Duration
    private(set) var latest: Observation?
    private var lastHeartbeat: Int64?
    private var heartbeatChangedAt: MonotonicInstant?

    init(staleness: Duration) {
        self.staleness = staleness
    }

    mutating func observe(_ observation: Observation, at now: MonotonicInstant) {
        latest = observation
        guard case .status(let view) = observation, let beat = view.heartbeat else {
            if case .status = observation { return }    // no heartbeat: keep the old timing
            lastHeartbeat = nil
            heartbeatChangedAt = nil
            return
        }
        if let previous = lastHeartbeat, previous != beat {
            heartbeatChangedAt = now
        }
        lastHeartbeat = beat
    }

    func evaluate(at now: MonotonicInstant) -> ClusterPermission {
        switch latest {
        case nil: return .denied("CardanoForgeCluster not observed yet")
        case .missing?: return .denied("CardanoForgeCluster not found")
        case .unreadable(let why)?: return .denied("CardanoForgeCluster status unreadable: \(why)")
        case .status(let view)?:
            guard view.forgingEnabled == true else {
                return .denied("CardanoForgeCluster status.forgingEnabled is not true")
            }
            guard view.heartbeat != nil else {
                return .denied("CardanoForgeCluster status.heartbeat missing")
            }
            guard let changedAt = heartbeatChangedAt else {
                return .denied("waiting for CardanoForgeCluster status.heartbeat to change")
            }
            let age = now.duration(since: changedAt)
            if age > staleness {
                return .denied("CardanoForgeCluster status.heartbeat unchanged for \(Int(age.seconds)) s")
            }
            return .allowed("CardanoForgeCluster allows forging")
        }
    }
}
