import ForgeCore
import FoundationEssentials
import KubeClient
import Logging

/// The aggregator's state: caches fed by the informers, the health trackers, region liveness
/// (AggregatorEngine+Liveness) and what was last written. Events only update state; `recompute()` (run by a
/// single loop, on every event and on a timer) derives the desired status and writes what
/// changed. Only while this replica holds the aggregators' lease does it write anything.
actor AggregatorEngine {
    static let localSource = "local"

    let config: AggregatorConfig
    let clock: MonotonicClock
    let wallClock: @Sendable () -> Date
    let sink: StatusSink
    let metrics: AggregatorMetrics
    let logger: Logger

    var pods: [String: PodSnapshot] = [:]
    /// `pods` by label pair and by pool, kept in step with it (PodIndex.swift).
    var podIndex = PodIndex()
    /// source ("local" or a peer kubeconfig path) -> name -> object.
    var clusters: [String: [String: CardanoForgeCluster]] = [:]
    var podsSynced = false
    var syncedSources: Set<String> = []
    var freshness = ReportFreshnessTracker()
    var heartbeats = PeerHeartbeatTracker()
    var health: [String: HealthTracker] = [:]
    var heartbeatCounter: [String: Int64] = [:]
    /// The region liveness Leases we follow (ours and each peer region's aggregator Lease),
    /// by `key(source, leaseName)`, and when we first wanted each (an unseen Lease is a doubt
    /// until the peer timeout has passed since then).
    var leaseLiveness: [String: LeaseLiveness] = [:]
    var leaseWantedSince: [String: MonotonicInstant] = [:]
    /// This replica's current term while leading: stamped into every status it writes.
    var term: AggregatorTerm?
    /// Owned clusters whose desired status is not yet stored, since when (failed, refused or
    /// still queued). The aggregator vouches for its region (renews its Lease) only while the
    /// oldest is younger than `writeStaleness`: see `vouchesForRegion`.
    var unwrittenSince: [String: MonotonicInstant] = [:]
    /// The last status write that succeeded (or the start of the term): the writes make
    /// progress, even if a burst (a new term rewrites every pool) takes longer than the bound.
    var lastWriteProgress: MonotonicInstant?
    /// After stepping down because writes were not current: no Lease write until then.
    var steppedDownUntil: MonotonicInstant?
    /// Clusters whose `status.writtenBy` the API server dropped (an old CRD), logged once.
    var prunedWrittenByLogged: Set<String> = []
    var candidateSince: [String: MonotonicInstant] = [:]
    var lastWritten: [String: Shared<CardanoForgeClusterStatus>] = [:]
    var lastLeaderWritten: [String: CardanoLeaderStatus] = [:]
    /// The latest `metadata.resourceVersion` seen (informer or write answer) of our
    /// CardanoForgeClusters and CardanoLeaders. Every status write is conditional on it, so a
    /// write computed from an older view (a delayed patch of a replaced replica) gets 409.
    var clusterVersions: [String: String] = [:]
    var leaderVersions: [String: String] = [:]
    /// Clusters whose write was refused as stale (409) and re-read: decided once more at once.
    var rereadAfterConflict: Set<String> = []
    /// CardanoLeaders in our namespace (from their informer): a missing one is never
    /// patched, and its creation is seen at once instead of being probed for.
    var existingLeaders: Set<String> = []
    var leadersSynced = false
    /// Needed CardanoLeaders that do not exist, each logged once.
    var missingLeaders: Set<String> = []
    var collidingLeaders: Set<String> = []
    var leading = false
    var fenceDeadline: MonotonicInstant?
    var lastRecompute: MonotonicInstant?
    var lastFullPass: MonotonicInstant?
    /// Owned clusters touched by events since the last pass.
    var dirty: Set<String> = []
    /// When this process started: a peer source never listed yet is a doubt until the peer
    /// timeout has passed since then (after that it is as good as a stale peer).
    let startedAt: MonotonicInstant
    /// The latest computed (desired) status per owned cluster, for metrics and tests.
    var desired: [String: Shared<CardanoForgeClusterStatus>] = [:]
    /// What the last pass told about each owned cluster, and where events go (the runtime's
    /// EventRecorder; see AggregatorEngine+Events).
    var eventSnapshots: [String: ClusterEventSnapshot] = [:]
    var eventSink: (@Sendable (CardanoForgeCluster, ClusterEvent) -> Void)?

    init(config: AggregatorConfig, sink: StatusSink, metrics: AggregatorMetrics, logger: Logger,
         clock: MonotonicClock = SystemMonotonicClock(), wallClock: @escaping @Sendable () -> Date = { Date() }) {
        self.config = config; self.sink = sink; self.metrics = metrics; self.logger = logger
        self.clock = clock; self.wallClock = wallClock
        self.startedAt = clock.now()
    }

    // MARK: events

    func apply(podEvent event: InformerEvent<PartialObjectMetadata>) {
        switch event {
        case .synced(let list):
            pods = [:]
            podIndex = PodIndex()
            for pod in list { upsert(pod) }
            freshness.retain(only: Set(pods.keys))
            podsSynced = true
            markAllDirty()
        case .upserted(let pod):
            if let name = pod.metadata.name, let old = pods[name] { markDirty(touching: old) }
            if let snapshot = upsert(pod) { markDirty(touching: snapshot) }
        case .deleted(let pod):
            guard let name = pod.metadata.name else { return }
            if let old = pods.removeValue(forKey: name) {
                podIndex.remove(old)
                markDirty(touching: old)
            }
            freshness.remove(pod: name)
        }
    }

    func markAllDirty() { dirty.formUnion(ownedUnordered.map(\.name)) }

    /// Marks the owned clusters whose pod selection may include this pod.
    private func markDirty(touching pod: PodSnapshot) {
        let ownedClusters = ownedUnordered
        let report = try? pod.report?.get()
        let single = ownedClusters.count == 1
        for cluster in ownedClusters {
            if let selector = cluster.spec?.podSelector, !selector.isEmpty {
                if selector.matches(pod.labels) { dirty.insert(cluster.name) }
            } else if single || report == nil
                        || (report?.network == cluster.spec?.network?.name && report?.poolId == cluster.spec?.pool?.id) {
                dirty.insert(cluster.name)
            }
        }
    }

    /// Marks our clusters of this pool (a peer's or our own status changed).
    private func markDirty(pool: PoolKey?, name: String) {
        for cluster in ownedUnordered where cluster.name == name || (pool != nil && cluster.spec?.poolKey == pool) {
            dirty.insert(cluster.name)
        }
    }

    @discardableResult
    private func upsert(_ pod: PartialObjectMetadata) -> PodSnapshot? {
        guard let name = pod.metadata.name else { return nil }
        let snapshot = PodSnapshot(
            name: name, uid: pod.metadata.uid, labels: pod.metadata.labels ?? [:],
            reportAnnotation: pod.metadata.annotations?[ForgeReport.annotationKey])
        if let old = pods.updateValue(snapshot, forKey: name) { podIndex.remove(old) }
        podIndex.insert(snapshot)
        let sequence = (try? snapshot.report?.get())?.sequence
        freshness.observe(pod: name, uid: pod.metadata.uid, sequence: sequence, at: clock.now(), wall: wallClock())
        return snapshot
    }

    func apply(clusterEvent incoming: InformerEvent<CardanoForgeCluster>, source: String) {
        let now = clock.now()
        let event: InformerEvent<CardanoForgeCluster>
        switch incoming {
        case .synced(let list): event = .synced(list.map { kept($0, source: source) })
        case .upserted(let cluster): event = .upserted(kept(cluster, source: source))
        case .deleted: event = incoming
        }
        switch event {
        case .synced(let list):
            let old = clusters[source] ?? [:]
            var fresh: [String: CardanoForgeCluster] = [:]
            for cluster in list { fresh[cluster.name] = cluster }
            for name in old.keys where fresh[name] == nil { forget(cluster: name, source: source) }
            clusters[source] = fresh
            if source == Self.localSource { for cluster in list { observeStored(cluster) } }
            for cluster in list { heartbeats.observe(peer: key(source, cluster.name), heartbeat: cluster.status?.heartbeat, at: now) }
            for cluster in list { wantLease(of: cluster, source: source, at: now) }
            syncedSources.insert(source)
            markAllDirty()
        case .upserted(let cluster):
            let previous = clusters[source]?[cluster.name]
            clusters[source, default: [:]][cluster.name] = cluster
            heartbeats.observe(peer: key(source, cluster.name), heartbeat: cluster.status?.heartbeat, at: now)
            wantLease(of: cluster, source: source, at: now)
            // The echo of our own status write changes nothing we decide on: skip it, or every
            // write would trigger another pass.
            let ownEcho = source == Self.localSource && previous?.spec == cluster.spec
                && previous?.metadata.generation == cluster.metadata.generation
                && lastWritten[cluster.name].map { $0.value == cluster.status } == true
            if source == Self.localSource { observeStored(cluster) }
            if !ownEcho { markDirty(pool: cluster.spec?.poolKey, name: cluster.name) }
        case .deleted(let cluster):
            clusters[source]?.removeValue(forKey: cluster.name)
            forget(cluster: cluster.name, source: source)
            markDirty(pool: cluster.spec?.poolKey, name: cluster.name)
        }
    }

    /// What the API server holds for one of our objects: its version for the next conditional
    /// write and, when its status is not what we last wrote (someone else wrote it, or a stale
    /// write landed), the base the next write is compared with.
    func observeStored(_ cluster: CardanoForgeCluster) {
        guard let version = cluster.metadata.resourceVersion else { return }
        // An event older than what a write already answered (its echo queued behind the
        // answer) says nothing new; taking it would only cost a 409 round trip.
        guard !Self.isOlder(version, than: clusterVersions[cluster.name]) else { return }
        clusterVersions[cluster.name] = version
        if let written = lastWritten[cluster.name], written.value != cluster.status {
            lastWritten.removeValue(forKey: cluster.name)
        }
    }

    /// resourceVersions are opaque to clients; every API server we know issues increasing
    /// integers, so two integers are compared, and anything else counts as newer.
    static func isOlder(_ version: String, than known: String?) -> Bool {
        guard let known, let a = UInt64(version), let b = UInt64(known) else { return false }
        return a < b
    }

    private func forget(cluster name: String, source: String) {
        heartbeats.remove(peer: key(source, name))
        guard source == Self.localSource else { return }
        clusterVersions.removeValue(forKey: name)
        health.removeValue(forKey: name); heartbeatCounter.removeValue(forKey: name)
        unwrittenSince.removeValue(forKey: name); candidateSince.removeValue(forKey: name)
        lastWritten.removeValue(forKey: name); desired.removeValue(forKey: name)
        metrics.remove(cluster: name)
        eventSnapshots.removeValue(forKey: name)
    }

    func key(_ source: String, _ name: String) -> String { "\(source)/\(name)" }

    func apply(leadership event: LeadershipEvent) {
        switch event {
        case .acquired(let snapshot):
            leading = true
            fenceDeadline = snapshot.fenceDeadline
            term = AggregatorTerm(lease: config.leaseName, record: snapshot.record)
            // Start from what the API server holds, not from what an earlier term wrote.
            lastWritten = [:]; lastLeaderWritten = [:]; heartbeatCounter = [:]; unwrittenSince = [:]
            lastWriteProgress = clock.now()
            logger.info("leading: this replica writes status (term \(term.map(String.init(describing:)) ?? "?"))")
        case .renewed(_, let deadline):
            fenceDeadline = deadline
        case .lost, .fenced, .released:
            if leading { logger.warning("no longer leading (\(event)); status writes stop") }
            leading = false
            fenceDeadline = nil
            term = nil
            unwrittenSince = [:]
        case .started, .observed:
            break
        }
        metrics.setLeading(leading)
        markAllDirty()
    }

    /// Writes are allowed only while leading and before the fence deadline: a replica whose
    /// lease may already belong to the other replica must not write.
    var mayWrite: Bool {
        guard leading, let fenceDeadline else { return false }
        return clock.now() < fenceDeadline
    }

    func recordProbe(cluster name: String, target: HealthProbeTarget, result: HTTPProbeResult) {
        guard let owned = clusters[Self.localSource]?[name], HealthProbeTarget(cluster: owned) == target else { return }
        var tracker = health[name] ?? HealthTracker(failureThreshold: target.failureThreshold, healthyAfter: target.healthyAfter ?? config.healthyAfter)
        tracker.failureThreshold = max(target.failureThreshold, HealthTracker.minimumFailureThreshold)
        tracker.healthyAfter = max(target.healthyAfter ?? config.healthyAfter, 1)
        tracker.record(success: result.isSuccess, status: result.status, error: result.error,
                       responseTime: result.responseTime, at: wallClock())
        health[name] = tracker
        dirty.insert(name)
        metrics.recordProbe(cluster: owned, success: result.isSuccess, consecutiveFailures: tracker.consecutiveFailures)
    }

    // MARK: queries

    /// Every CardanoForgeCluster in our namespace whose spec.region is ours.
    var owned: [CardanoForgeCluster] {
        // Sorting the names, not the objects: a CardanoForgeCluster is a large value, and
        // sorting 1 000 of them on every event was the aggregator's top CPU cost (perf).
        let local = clusters[Self.localSource] ?? [:]
        let region = config.region
        return local.keys.sorted().compactMap { name in local[name].flatMap { $0.spec?.region == region ? $0 : nil } }
    }

    /// `owned` in no particular order, without building an array: for marking clusters dirty.
    var ownedUnordered: LazyFilterSequence<Dictionary<String, CardanoForgeCluster>.Values> {
        let region = config.region
        return (clusters[Self.localSource] ?? [:]).values.lazy.filter { $0.spec?.region == region }
    }

    var probeTargets: [String: HealthProbeTarget] {
        var targets: [String: HealthProbeTarget] = [:]
        for cluster in owned { targets[cluster.name] = HealthProbeTarget(cluster: cluster) }
        return targets.compactMapValues { $0 }
    }

    /// Ready once the pods and every cluster source have been listed at least once.
    var isReady: Bool {
        podsSynced && syncedSources.isSuperset(of: [Self.localSource] + config.peerKubeconfigs)
    }

    /// Alive while the recompute loop keeps running: a pass started, or a write of the
    /// current pass answered, within the window.
    var isAlive: Bool {
        guard let lastRecompute else { return true }
        return clock.now().duration(since: lastRecompute) < config.tick * 10 + .seconds(5)
    }

    func status(of name: String) -> CardanoForgeClusterStatus? { desired[name]?.value }
}
