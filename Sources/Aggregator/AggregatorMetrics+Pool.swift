import ForgeCore
import Prometheus

/// The pool-wide and per-peer series the alert rules need (charts/forge-aggregator
/// PrometheusRule, docs/OPERATIONS.md "Alerts"): each region's aggregator exports its view
/// of the whole pool, so the rules are right with one Prometheus per region as well as with
/// one global Prometheus.
extension AggregatorMetrics {
    struct PeerSample {
        let name: String
        let region: String
        let heartbeatAge: Duration
        let live: Bool
    }

    func updatePool(cluster: CardanoForgeCluster, view: PoolView, peers: [PeerSample], ownHeartbeatAge: Duration?) {
        let name = cluster.name
        let labels = Self.labels(of: cluster)
        registerGauge(name, "cardano_pool_forging_pods",
              "Pods forging in the pool as this region sees it: its own plus those live peers' status lists (alert when > 1 or == 0)", labels)
            .set(to: Double(view.forgingPods))
        registerGauge(name, "cardano_pool_allowed_regions",
              "Regions of the pool allowed to forge as this region sees it: itself plus live peers (alert when > 1)", labels)
            .set(to: Double(view.allowedRegions))
        registerGauge(name, "cardano_pool_unknown_regions",
              "Peer regions of the pool whose aggregator Lease has not been renewed for the peer timeout", labels)
            .set(to: Double(view.unknownRegions))
        if let ownHeartbeatAge {
            registerGauge(name, "cardano_cluster_heartbeat_age_seconds",
                  "Seconds since this region's aggregator Lease was last renewed, as observed through its API server", labels)
                .set(to: ownHeartbeatAge.secondsValue)
        }
        var current: [String: [Gauge]] = [:]
        for peer in peers {
            let peerLabels = labels + [("peer", peer.name), ("peer_region", peer.region)]
            let age = registerGauge(name, "cardano_peer_heartbeat_age_seconds",
                            "Seconds since the peer region's aggregator Lease was last renewed, on this aggregator's clock", peerLabels)
            age.set(to: peer.heartbeatAge.secondsValue)
            let live = registerGauge(name, "cardano_peer_live",
                             "1 while the peer region's aggregator Lease was renewed within the peer timeout (reachable and its aggregator alive)", peerLabels)
            live.set(to: peer.live ? 1 : 0)
            current[peer.name] = [age, live]
        }
        replacePeerGauges(cluster: name, with: current)
    }
}

extension Duration {
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
