import ForgeCore

extension AggregatorEngine {
    /// Events go to `sink` from now on (the runtime sends them to its EventRecorder in order).
    func setEventSink(_ sink: @escaping @Sendable (CardanoForgeCluster, ClusterEvent) -> Void) {
        eventSink = sink
    }

    /// Compares this pass's view of `cluster` with the last one (ForgeCore
    /// `ClusterEventDetector`) and hands the events to the sink. Only the writing replica
    /// tells (one writer per object). A standby follows what the writer *published*
    /// (`cluster.status`), so on taking over it tells exactly what changes from there: no
    /// replay of what was told, no gap for what it decides differently.
    func tellEvents(cluster: CardanoForgeCluster, status desired: CardanoForgeClusterStatus, healthy: Bool?, overrideActive: Bool,
                    forgingPods: Int, peers: [PeerRegion]) {
        let status = leading ? desired : (cluster.status ?? CardanoForgeClusterStatus())
        let snapshot = ClusterEventSnapshot(
            forgingEnabled: status.forgingEnabled == true, reason: status.reason ?? "", message: status.message ?? "",
            healthy: leading ? healthy : status.healthStatus?.healthy, overrideActive: overrideActive,
            overrideConfigured: cluster.spec?.override?.enabled == true, forgingPods: forgingPods,
            peers: Dictionary(peers.map { ($0.spec?.region ?? $0.name, PoolView.isLive($0, peerTimeout: config.peerTimeout)) },
                              uniquingKeysWith: { first, second in first || second }),
            credentialsConsistent: status.credentials?.consistent)
        let previous = eventSnapshots[cluster.name]
        eventSnapshots[cluster.name] = snapshot
        guard leading, let eventSink else { return }
        for event in ClusterEventDetector.events(from: previous, to: snapshot) {
            eventSink(cluster, event)
        }
    }
}
