import ForgeCore

/// Judges the CardanoForgeCluster status fail-closed (docs/SAFETY.md, "Region liveness"):
/// allowed only when the object exists, its status parsed, `forgingEnabled` is true, and the
/// aggregator term that wrote it (`status.writtenBy`) has been seen renewing its Lease within
/// `staleness` — measured on our monotonic clock from when *we* saw the Lease change, so a dead,
/// frozen or wedged aggregator (it stops renewing while its writes are not current), or a
/// partitioned API, cannot keep us forging on an old "yes".
///
/// Binding the status to its term matters when an aggregator comes back: its Lease moves
/// again at once, but a status it has not rewritten yet (perhaps a `true` from before a peer
/// region took over) belongs to an older term whose life stopped when it did.
///
/// After a (re)start we have not seen the Lease move yet, so permission waits for a renewal.
///
/// The write counter (`status.heartbeat`) must only move forward: per object
/// (`metadata.uid`), an observation below the highest seen is an old status written late (a
/// delayed patch of a replaced replica). It can revoke, never grant. A new uid starts over.
struct ClusterPermissionTracker: Sendable {
    /// The few status fields the reporter reads.
    struct StatusView: Equatable, Sendable {
        var forgingEnabled: Bool?
        var heartbeat: Int64?
        /// `metadata.uid` of the object the status belongs to.
        var uid: String?
        var writtenBy: AggregatorTerm?

        init(forgingEnabled: Bool?, heartbeat: Int64?, uid: String? = nil, writtenBy: AggregatorTerm? = nil) {
            self.forgingEnabled = forgingEnabled; self.heartbeat = heartbeat; self.uid = uid; self.writtenBy = writtenBy
        }
    }

    enum Observation: Equatable, Sendable {
        case missing
        case unreadable(String)
        case status(StatusView)
    }

    let staleness: Duration
    private(set) var latest: Observation?
    /// The highest write counter seen from the object `uid`.
    private var highestHeartbeat: Int64?
    private var uid: String?
    /// How many observations were ignored as stale (counter below one already seen).
    private(set) var staleObservations = 0
    /// A status without `writtenBy` comes from an aggregator older than this reporter (an
    /// upgrade in progress): its counter still moves every heartbeat, and is judged as before,
    /// by when we last saw it move forward.
    private var legacyCounterMovedAt: MonotonicInstant?
    /// The aggregator Lease being followed (named by the status) and its signs of life.
    private(set) var leaseName: String?
    private var liveness = LeaseLiveness()

    init(staleness: Duration) {
        self.staleness = staleness
    }

    /// The aggregator Lease the latest status names: the one to watch.
    var wantedLease: String? {
        guard case .status(let view)? = latest else { return leaseName }
        return view.writtenBy?.lease ?? leaseName
    }

    mutating func observe(_ observation: Observation, at now: MonotonicInstant) {
        guard case .status(let view) = observation else {
            latest = observation
            highestHeartbeat = nil
            legacyCounterMovedAt = nil
            uid = nil
            return
        }
        if view.uid != uid {
            uid = view.uid
            highestHeartbeat = nil
            legacyCounterMovedAt = nil
        }
        if let beat = view.heartbeat, let highest = highestHeartbeat, beat < highest {
            // Older than what we saw: a late write. It may revoke, never grant.
            staleObservations += 1
            if view.forgingEnabled != true { latest = observation }
            return
        }
        latest = observation
        if let beat = view.heartbeat {
            if let highest = highestHeartbeat, beat > highest { legacyCounterMovedAt = now }
            highestHeartbeat = max(highestHeartbeat ?? beat, beat)
        }
    }

    /// An observation of the aggregator Lease `name` (nil record: it does not exist).
    mutating func observeLease(name: String, record: LeaseRecord?, at now: MonotonicInstant) {
        if name != leaseName {
            leaseName = name
            liveness.reset()
        }
        liveness.observe(lease: name, record: record, at: now)
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
            guard let term = view.writtenBy else { return evaluateLegacy(at: now) }
            guard term.lease == leaseName, let life = liveness.lastLife(of: term) else {
                return .denied("waiting to see Lease \(term.lease) renewed by \(term.holder), the aggregator that wrote the status")
            }
            let age = now.duration(since: life)
            if age > staleness {
                let now = liveness.currentTerm.map { $0 == term ? "" : " (it is now held by \($0.holder))" } ?? " (nobody holds it now)"
                return .denied("Lease \(term.lease) not renewed by \(term.holder), the aggregator that wrote the status, for \(Int(age.seconds)) s\(now)")
            }
            return .allowed("CardanoForgeCluster allows forging")
        }
    }

    /// A status from an aggregator that predates `writtenBy` (it rewrites `heartbeat` on a
    /// timer): allowed while we have seen the counter move forward within `staleness`, the
    /// rule before issue #10. Lets reporters be upgraded before their aggregator.
    private func evaluateLegacy(at now: MonotonicInstant) -> ClusterPermission {
        guard let moved = legacyCounterMovedAt else {
            return .denied("CardanoForgeCluster status.writtenBy missing and status.heartbeat not yet seen to change (an aggregator older than this reporter)")
        }
        let age = now.duration(since: moved)
        if age > staleness {
            return .denied("CardanoForgeCluster status.heartbeat unchanged for \(Int(age.seconds)) s (an aggregator older than this reporter)")
        }
        return .allowed("CardanoForgeCluster allows forging (heartbeat of an older aggregator)")
    }
}
