import ForgeCore

extension AggregatorEngine {
    /// Exports this region's view of its pool (ForgeCore `PoolView`) and the per-peer
    /// liveness series; see AggregatorMetrics+Pool.
    func exportPoolView(cluster: CardanoForgeCluster, ownForgers: Int, allowed: Bool, peers: [PeerRegion], now: MonotonicInstant) {
        let view = PoolView.compute(ownForgingPods: ownForgers, ownAllowed: allowed, peers: peers, peerTimeout: config.peerTimeout)
        let samples = peers.map { peer in
            AggregatorMetrics.PeerSample(
                name: peer.name, region: peer.spec?.region ?? "", heartbeatAge: peer.heartbeatAge,
                live: PoolView.isLive(peer, peerTimeout: config.peerTimeout))
        }
        let observed = clusters[Self.localSource]?[cluster.name] != nil
        metrics.updatePool(cluster: cluster, view: view, peers: samples,
                           ownHeartbeatAge: observed ? leaseAge(source: Self.localSource, lease: config.leaseName, now: now) : nil)
    }
}
