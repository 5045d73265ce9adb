import ForgeCore
import FoundationEssentials
import KubeClient

/// The CardanoLeader compatibility view. The chart creates CardanoLeaders; the aggregator
/// only fills their status. Which ones exist comes from an informer, so a pool without one
/// costs no requests at all (patching it would be a 404 on every change), and one created
/// later is filled as soon as its creation is seen.
extension AggregatorEngine {
    func apply(leaderEvent event: InformerEvent<CardanoLeader>) {
        switch event {
        case .synced(let list):
            let names = Set(list.compactMap(\.metadata.name))
            for name in names.subtracting(existingLeaders) { appeared(name) }
            for name in existingLeaders.subtracting(names) { forgetLeader(name) }
            existingLeaders = names
            for leader in list { observeStored(leader) }
            leadersSynced = true
        case .upserted(let leader):
            observeStored(leader)
            // Our own status writes come back here too: only a creation changes anything.
            guard let name = leader.metadata.name, existingLeaders.insert(name).inserted else { return }
            appeared(name)
        case .deleted(let leader):
            guard let name = leader.metadata.name else { return }
            existingLeaders.remove(name)
            forgetLeader(name)
        }
    }

    /// The stored version for the next conditional write; a status we did not write (a
    /// stale write landed, or another writer) becomes the base the next write is compared with.
    private func observeStored(_ leader: CardanoLeader) {
        guard let name = leader.metadata.name, let version = leader.metadata.resourceVersion,
              !Self.isOlder(version, than: leaderVersions[name]) else { return }
        leaderVersions[name] = version
        if let written = lastLeaderWritten[name], written != leader.status {
            lastLeaderWritten[name] = leader.status
        }
    }

    private func forgetLeader(_ name: String) {
        lastLeaderWritten.removeValue(forKey: name)
        leaderVersions.removeValue(forKey: name)
    }

    /// A CardanoLeader (re)appeared: whatever we wrote before does not describe it, so its
    /// next write is complete; every pool is re-examined (creations are rare).
    private func appeared(_ name: String) {
        lastLeaderWritten.removeValue(forKey: name)
        if missingLeaders.remove(name) != nil { logger.info("CardanoLeader \(name) exists now; its status is filled") }
        markAllDirty()
    }

    /// Mirrors a pool's status into its CardanoLeader. With several of our CRs for one pool
    /// the one allowed to forge wins; a CR of another region in this namespace that forges is
    /// left alone to write it.
    func writeLeader(pool: PoolKey, entries: [(cluster: CardanoForgeCluster, status: CardanoForgeClusterStatus)]) async {
        guard let chosen = entries.first(where: { $0.status.forgingEnabled == true }) ?? entries.first else { return }
        if chosen.status.forgingEnabled != true {
            let otherForges = (clusters[Self.localSource] ?? [:]).values.contains {
                $0.spec?.region != config.region && $0.spec?.poolKey == pool && $0.status?.forgingEnabled == true
            }
            if otherForges { return }
        }
        let name = leaderName(for: pool)
        // Until the first list we do not know what exists; the view can wait that long.
        guard leadersSynced else { return }
        guard existingLeaders.contains(name) else {
            if missingLeaders.insert(name).inserted {
                logger.warning("CardanoLeader \(name) does not exist (the chart creates it); not creating it, its status is not written")
            }
            return
        }
        // One retry: a write refused as stale (409) re-reads the object and writes again only
        // what still differs from what is stored.
        for attempt in 0..<2 {
            guard let version = leaderVersions[name] else { return }
            let previous = lastLeaderWritten[name]
            let leader = ClusterStatusBuilder.leaderStatus(from: chosen.status, previous: previous, generation: nil)
            do {
                let old = try previous.map { try JSONMergePatch.value(of: $0) }
                guard let patch = JSONMergePatch.diff(from: old, to: try JSONMergePatch.value(of: leader)) else { return }
                let stored = try await sink.patchLeaderStatus(name: name, patch: try Self.conditionalPatch(status: patch, version: version))
                metrics.countWrite(kind: "cardanoleader")
                if let stored {
                    lastLeaderWritten[name] = stored.status ?? leader
                    if let version = stored.metadata.resourceVersion { leaderVersions[name] = version }
                } else {
                    // Deleted before the informer told us: treat it as gone until it is created again.
                    existingLeaders.remove(name)
                    forgetLeader(name)
                }
                return
            } catch let error as KubeAPIError where error.isConflict && attempt == 0 {
                metrics.countWriteConflict(kind: "cardanoleader")
                logger.info("status write for CardanoLeader \(name) was stale (409); re-reading it")
                do {
                    guard let stored = try await sink.getLeader(name: name) else { return }
                    lastLeaderWritten[name] = stored.status
                    if let version = stored.metadata.resourceVersion { leaderVersions[name] = version }
                } catch {
                    logger.warning("re-reading CardanoLeader \(name) failed: \(error)")
                    return
                }
            } catch {
                metrics.countWriteFailure(kind: "cardanoleader")
                logger.warning("status write for CardanoLeader \(name) failed: \(error)")
                return
            }
        }
    }

    func leaderName(for pool: PoolKey) -> String {
        config.leaderResourceName ?? ResourceNames.leaseName(network: pool.network, poolId: pool.poolId)
    }
}
