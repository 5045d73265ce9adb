import ForgeCore
import KubeClient

/// Region liveness (docs/SAFETY.md, "Region liveness"): each region's aggregator Lease is the
/// sign that its aggregator is alive *and* its status writes are current. We follow our own
/// Lease and every peer region's (named in their statuses' `writtenBy`), and we renew ours only
/// while our own writes keep up.
extension AggregatorEngine {
    /// A Lease to follow: `source` is "local" or a peer kubeconfig path.
    struct LeaseWant: Hashable, Sendable {
        var source: String
        var lease: String
    }

    /// Every Lease whose changes we need: our own, and the one named by each other region's
    /// status (on our own API server too: several regions may share one).
    var wantedLeases: Set<LeaseWant> {
        var wants: Set<LeaseWant> = [LeaseWant(source: Self.localSource, lease: config.leaseName)]
        for key in leaseWantedSince.keys {
            guard let slash = key.lastIndex(of: "/") else { continue }
            wants.insert(LeaseWant(source: String(key[..<slash]), lease: String(key[key.index(after: slash)...])))
        }
        return wants
    }

    func wantLease(of cluster: CardanoForgeCluster, source: String, at now: MonotonicInstant) {
        guard let lease = cluster.status?.writtenBy?.lease, !lease.isEmpty else { return }
        let wanted = key(source, lease)
        if leaseWantedSince[wanted] == nil { leaseWantedSince[wanted] = now }
    }

    /// An observation of a followed Lease (nil record: it does not exist).
    func apply(lease: String, record: LeaseRecord?, source: String) {
        let now = clock.now()
        let wanted = key(source, lease)
        if leaseWantedSince[wanted] == nil { leaseWantedSince[wanted] = now }
        let before = leaseLiveness[wanted]?.lastLife
        leaseLiveness[wanted, default: LeaseLiveness()].observe(lease: lease, record: record, at: now)
        if leaseLiveness[wanted]?.lastLife != before {
            // A peer coming back to life (or going quiet) changes decisions.
            for cluster in owned { dirty.insert(cluster.name) }
        }
    }

    /// How long ago `cluster` (a region, seen through `source`) last showed life: its
    /// aggregator Lease renewed, or its status rewritten (older aggregators only had that
    /// heartbeat). Whichever is more recent counts: a doubt keeps the peer alive.
    func livenessAge(of cluster: CardanoForgeCluster, source: String, now: MonotonicInstant) -> Duration {
        let statusAge = heartbeats.age(peer: key(source, cluster.name), now: now)
        guard let lease = cluster.status?.writtenBy?.lease else { return statusAge }
        return min(statusAge, leaseAge(source: source, lease: lease, now: now))
    }

    /// Since the last observed life of a Lease; never observed alive: since we started
    /// wanting it, so a peer we have not seen is presumed alive for a whole peer timeout.
    func leaseAge(source: String, lease: String, now: MonotonicInstant) -> Duration {
        let wanted = key(source, lease)
        let since = leaseLiveness[wanted]?.lastLife ?? leaseWantedSince[wanted] ?? startedAt
        return now.duration(since: since)
    }

    /// Whether this replica may write its Lease (renew, or acquire): only while every status
    /// it owes has been stored within `writeStaleness` — or, during a burst longer than that
    /// (a new term rewrites every pool), while writes keep succeeding and nothing is owed for
    /// more than four times as long — and the recompute loop runs. Once that fails, it stays away from the Lease for a peer timeout, so its reporters withdraw and
    /// peers see the region silent; a wedged, throttled or refused writer then costs forging
    /// time, never a stale permission (reporters only trust a status of a live term).
    func vouchesForRegion() -> Bool {
        let now = clock.now()
        if let until = steppedDownUntil {
            if now < until { return false }
            steppedDownUntil = nil
        }
        var why: String?
        let progressing = lastWriteProgress.map { now.duration(since: $0) <= config.writeStaleness } ?? false
        if let oldest = unwrittenSince.min(by: { $0.value < $1.value }),
           case let owed = now.duration(since: oldest.value),
           owed > config.writeStaleness * (progressing ? 4 : 1) {
            why = "the status of CardanoForgeCluster \(oldest.key) has not been stored for \(Int(owed.seconds)) s"
        } else if !isAlive {
            why = "the recompute loop has stalled"
        }
        guard let why else { return true }
        steppedDownUntil = now.advanced(by: config.peerTimeout)
        unwrittenSince = [:]
        metrics.countStepDown()
        logger.error("not renewing the aggregator Lease for \(KubeDuration.format(config.peerTimeout)): \(why); this region's reporters withdraw once the Lease is stale")
        return false
    }

    /// Notes that `name` owes a write (set once) or owes none (cleared).
    func noteOwed(_ name: String, owed: Bool, at now: MonotonicInstant) {
        if owed {
            if unwrittenSince[name] == nil { unwrittenSince[name] = now }
        } else {
            unwrittenSince.removeValue(forKey: name)
        }
    }
}
