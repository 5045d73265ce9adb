import ForgeCore
import FoundationEssentials
import KubeClient

extension AggregatorEngine {
    /// Derives the desired status of our CardanoForgeClusters and, while leading, merge-patches
    /// what differs from what was last written (or observed). A full pass (every tick:
    /// staleness, settle, peers' liveness) covers every owned cluster; a pass triggered by events
    /// only the clusters those events touched. Called by one loop only, so two passes never
    /// interleave their writes. A write refused as stale (409) has re-read its object; those
    /// clusters are decided once more at once, against what is stored now.
    func recompute() async {
        // Changes first: when events touched a few clusters and a full pass is also due, the
        // touched ones get a pass (and their writes) of their own before the full pass, which
        // at 1 000 pools takes far longer than deciding a handful of clusters.
        if !dirty.isEmpty, let last = lastFullPass, clock.now().duration(since: last) >= Self.fullPassAfter(config.tick) {
            await recomputePass(allowFull: false)
        }
        await recomputePass()
        guard !rereadAfterConflict.isEmpty else { return }
        dirty.formUnion(rereadAfterConflict)
        rereadAfterConflict = []
        await recomputePass()
    }

    static func fullPassAfter(_ tick: Duration) -> Duration { tick * 0.8 }

    /// `allowFull: false`: only the clusters events touched, even when a full pass is due.
    private func recomputePass(allowFull: Bool = true) async {
        let now = clock.now()
        let full = allowFull && (lastFullPass.map { now.duration(since: $0) >= Self.fullPassAfter(config.tick) } ?? true)
        if full { lastFullPass = now }
        lastRecompute = now
        let wall = wallClock()
        let ownedClusters = owned
        let targets = full ? ownedClusters : ownedClusters.filter { dirty.contains($0.name) }
        dirty = []
        guard !targets.isEmpty else { return }
        let index = podIndex
        let regions = RegionIndex(clusters: clusters)
        var writtenByPool: [PoolKey: [(cluster: CardanoForgeCluster, status: CardanoForgeClusterStatus)]] = [:]
        var jobs: [StatusWriteJob] = []
        for cluster in targets {
            let name = cluster.name
            let spec = cluster.spec ?? CardanoForgeClusterSpec()
            let probeTarget = HealthProbeTarget(cluster: cluster)
            let tracker = probeTarget == nil ? nil : (health[name] ?? HealthTracker())
            let effective = EffectiveState.compute(spec: spec, healthy: tracker?.healthy ?? true, now: wall)
            var notes: [String] = []
            let grace = gracePeriod(spec, notes: &notes)
            notes += probeTarget?.settings.notes ?? []
            let selected = selectPods(for: cluster, ownedCount: ownedClusters.count, index: index)
            let aggregate = PodAggregation.aggregate(
                pods: selected, pool: spec.poolKey,
                isFresh: { [freshness] in freshness.isFresh(pod: $0, now: now, gracePeriod: grace) },
                lastSeen: { [freshness] in freshness.lastChangeText(pod: $0) })
            let sharedBase = lastWritten[name] ?? cluster.sharedStatus
            let base = sharedBase?.value
            let peerRegions = peers(of: cluster, in: regions, now: now)
            let credentials = judgeCredentials(cluster: cluster, selected: selected, aggregate: aggregate, peers: peerRegions, wall: wall)
            var decision = ForgeDecider.decide(ForgeDecisionInput(
                name: name, creationTimestamp: cluster.metadata.creationTimestamp, effective: effective,
                currentlyEnabled: base?.forgingEnabled == true, peers: peerRegions,
                peerTimeout: config.peerTimeout, settle: config.settle,
                candidateFor: candidateSince[name].map { now.duration(since: $0) }, region: spec.region,
                credentialsProblem: credentials.notUsable))
            let unlisted = config.peerKubeconfigs.filter { !syncedSources.contains($0) }
            if !unlisted.isEmpty, now.duration(since: startedAt) <= config.peerTimeout, decision.forgingEnabled || decision.candidate {
                // Under doubt nobody forges: a peer region we have not read yet may be forging.
                decision = ForgeDecision(forgingEnabled: false, candidate: false, reason: "PeersNotListed",
                                         message: "waiting to list peer regions from \(unlisted.joined(separator: ", "))", best: decision.best)
            }
            if decision.candidate {
                if candidateSince[name] == nil { candidateSince[name] = now }
            } else {
                candidateSince[name] = nil
            }
            if spec.poolKey == nil { notes.append("spec.network.name and spec.pool.id are needed to find the pool's other regions") }

            // The counter moves only with a write (see `writeJob`); liveness is the Lease.
            let observedBeat = cluster.status?.heartbeat ?? 0
            let beat = max(heartbeatCounter[name] ?? observedBeat, base?.heartbeat ?? 0, observedBeat)
            var effectiveWithNotes = effective
            effectiveWithNotes.notes += notes
            var built = ClusterStatusBuilder.build(.init(
                generation: cluster.metadata.generation, previous: base, pods: aggregate,
                effective: effectiveWithNotes, health: tracker?.status(formatTime: RFC3339.format),
                decision: decision, heartbeat: beat, now: wall))
            RegionCredentialsJudge.apply(credentials, to: &built, previous: base, now: wall)
            // Stamped with the term that writes it; a new term rewrites every status.
            built.writtenBy = leading ? term : base?.writtenBy
            let held = desired[name]
            let unchanged = held?.value == built
            if !unchanged || !leading {
                metrics.update(cluster: cluster, status: built, forgers: aggregate.forgers.count, leading: leading)
            }
            // A status equal to one already held keeps that copy (what was last written, which
            // the kept echo shares, else the previous pass's): storing an equal, freshly built
            // one each pass would hold two copies of every pool's status (its pod list and
            // conditions) and churn the heap.
            let shared: Shared<CardanoForgeClusterStatus>
            if let sharedBase, sharedBase.value == built { shared = sharedBase }
            else if let held, unchanged { shared = held }
            else { shared = Shared(built) }
            if held !== shared { desired[name] = shared }
            let status = shared.value
            exportPoolView(cluster: cluster, ownForgers: aggregate.forgers.count, allowed: status.forgingEnabled == true,
                           peers: peerRegions, now: now)
            tellEvents(cluster: cluster, status: status, healthy: tracker?.healthy, overrideActive: effective.overrideActive,
                       forgingPods: aggregate.forgers.count, peers: peerRegions)
            if let pool = spec.poolKey { writtenByPool[pool, default: []].append((cluster, status)) }

            guard mayWrite, podsSynced, syncedSources.contains(Self.localSource) else { continue }
            guard let version = clusterVersions[name] ?? cluster.metadata.resourceVersion else { continue }
            let job = writeJob(name: name, base: base, desired: status, version: version, heartbeat: beat, now: now)
            noteOwed(name, owed: job != nil, at: now)
            if let job { jobs.append(job) }
        }
        await perform(jobs)
        guard mayWrite else { return }
        // Pools whose CardanoLeader names collide (same network and pool-id prefix, or one
        // CRD_NAME for several pools) would overwrite each other's view: skip them, say so once.
        let byName = Dictionary(grouping: writtenByPool.keys, by: leaderName(for:))
        for (pool, entries) in writtenByPool.sorted(by: { $0.key.description < $1.key.description }) {
            let name = leaderName(for: pool)
            if let pools = byName[name], pools.count > 1 {
                if collidingLeaders.insert(name).inserted {
                    logger.warning("CardanoLeader \(name) would mirror \(pools.count) pools (\(pools.map(\.description).sorted().joined(separator: ", "))); not writing it")
                }
                continue
            }
            await writeLeader(pool: pool, entries: entries)
        }
    }

    private func gracePeriod(_ spec: CardanoForgeClusterSpec, notes: inout [String]) -> Duration {
        guard let text = spec.gracePeriod else { return CardanoForgeClusterSpec.defaultGracePeriod }
        do {
            let value = try KubeDuration.parse(text)
            if value > .zero { return value }
            notes.append("gracePeriod must be positive; using \(KubeDuration.format(CardanoForgeClusterSpec.defaultGracePeriod))")
        } catch {
            notes.append("gracePeriod: \(error); using \(KubeDuration.format(CardanoForgeClusterSpec.defaultGracePeriod))")
        }
        return CardanoForgeClusterSpec.defaultGracePeriod
    }

    /// The pods of one region: by the CR's podSelector; without one, the pods whose report
    /// names this pool (and, with a single CR, also the pods whose report is unusable, so its
    /// error is shown somewhere).
    func selectPods(for cluster: CardanoForgeCluster, ownedCount: Int, index: PodIndex) -> [PodSnapshot] {
        let spec = cluster.spec
        if let selector = spec?.podSelector, !selector.isEmpty {
            return (index.candidates(for: selector) ?? Array(pods.values)).filter { selector.matches($0.labels) }
        }
        let pool = spec?.poolKey
        let candidates = pool.map { index.pods(of: $0) } ?? Array(pods.values)
        return (ownedCount == 1 ? Array(pods.values) : candidates).filter { pod in
            switch pod.report {
            case .success(let report)?:
                guard let pool else { return ownedCount == 1 }
                return report.network == pool.network && report.poolId == pool.poolId
                    && (report.region == nil || report.region == spec?.region)
            case .failure?: return ownedCount == 1
            case nil: return false
            }
        }
    }

    /// The other regions of this cluster's pool, from every source, with heartbeat ages.
    func peers(of cluster: CardanoForgeCluster, in regions: RegionIndex, now: MonotonicInstant) -> [PeerRegion] {
        guard let pool = cluster.spec?.poolKey else { return [] }
        var result: [PeerRegion] = []
        for (source, other) in regions.byPool[pool] ?? [] {
            // Only the very object we decide for is skipped: by uid (also when a peer
            // kubeconfig points at our own server), or our own cache entry. Anything else with
            // our name or region is a peer; one claiming our region blocks (ConflictingRegion).
            let sameUID = other.metadata.uid != nil && other.metadata.uid == cluster.metadata.uid
            if sameUID || (source == Self.localSource && other.name == cluster.name) { continue }
            result.append(PeerRegion(
                name: other.name, creationTimestamp: other.metadata.creationTimestamp, spec: other.spec,
                status: other.status, heartbeatAge: livenessAge(of: other, source: source, now: now)))
        }
        return result.sorted { $0.name < $1.name }
    }
}

/// Every known CardanoForgeCluster by pool, built once per pass (not once per cluster).
struct RegionIndex {
    var byPool: [PoolKey: [(source: String, cluster: CardanoForgeCluster)]] = [:]

    init(clusters: [String: [String: CardanoForgeCluster]]) {
        for (source, objects) in clusters {
            for cluster in objects.values {
                if let pool = cluster.spec?.poolKey { byPool[pool, default: []].append((source, cluster)) }
            }
        }
    }
}
