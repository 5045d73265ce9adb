import ForgeCore

/// Judges the CardanoForgeCluster status fail-closed (ARCHITECTURE.md §4.6): allowed only when
/// the object exists, its status parsed, `forgingEnabled` is true, and its `heartbeat` counter
/// changed within `staleness` — measured on our monotonic clock from when *we* saw it change,
/// so a dead aggregator (or a partitioned API) cannot keep us forging on an old "yes".
///
/// After a (re)start we have not seen any change yet, so we cannot know the status is live:
/// permission waits for the first observed change of `heartbeat`.
///
/// Only a heartbeat that moves *forward* is a sign of life: per object (`metadata.uid`), an
/// observation whose heartbeat is below the highest one seen is an old status written late
/// (a delayed patch of a replaced aggregator replica). It never refreshes the permission and
/// never grants it; it can only take it away. A new uid (the object was recreated) starts over.
struct ClusterPermissionTracker: Sendable {
    /// The few status fields the reporter reads.
    struct StatusView: Equatable, Sendable {
        var forgingEnabled: Bool?
        var heartbeat: Int64?
        /// `metadata.uid` of the object the status belongs to.
        var uid: String?

        init(forgingEnabled: Bool?, heartbeat: Int64?, uid: String? = nil) {
            self.forgingEnabled = forgingEnabled; self.heartbeat = heartbeat; self.uid = uid
        }
    }

    enum Observation: Equatable, Sendable {
        case missing
        case unreadable(String)
        case status(StatusView)
    }

    let staleness: Duration
    private(set) var latest: Observation?
    /// The highest heartbeat seen from the object `uid`.
    private var highestHeartbeat: Int64?
    private var uid: String?
    private var heartbeatChangedAt: MonotonicInstant?
    /// How many observations were ignored as stale (heartbeat below one already seen).
    private(set) var staleObservations = 0

    init(staleness: Duration) {
        self.staleness = staleness
    }

    mutating func observe(_ observation: Observation, at now: MonotonicInstant) {
        guard case .status(let view) = observation else {
            latest = observation
            highestHeartbeat = nil
            heartbeatChangedAt = nil
            uid = nil
            return
        }
        if view.uid != uid {
            // Another object (recreated): nothing seen from it yet.
            uid = view.uid
            highestHeartbeat = nil
            heartbeatChangedAt = nil
        }
        guard let beat = view.heartbeat else {
            latest = observation    // no heartbeat: denied; keep the old timing
            return
        }
        if let highest = highestHeartbeat, beat < highest {
            // Older than what we saw: a late write. It may revoke, never grant or refresh.
            staleObservations += 1
            if view.forgingEnabled != true { latest = observation }
            return
        }
        latest = observation
        if let highest = highestHeartbeat, beat > highest {
            heartbeatChangedAt = now
        }
        highestHeartbeat = max(highestHeartbeat ?? beat, beat)
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
