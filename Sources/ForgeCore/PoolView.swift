/// One region's view of its whole pool, for metrics and alerts: what this aggregator knows
/// about its own region plus every peer region of the same pool. Exported per owned
/// CardanoForgeCluster, so an alert rule that reads `max by (network, pool_id)` is right
/// whether one Prometheus scrapes every region (global) or each region has its own (the
/// standby region sees the forger in the peer's status and stays silent).
///
/// A peer whose heartbeat has not changed for the peer timeout is *unknown*: its last
/// status may be stale, so it is counted neither as forging nor as idle.
public struct PoolView: Equatable, Sendable {
    /// Pods forging in this region (fresh reports) plus pods a live peer's status lists as forging.
    public var forgingPods: Int
    /// Regions allowed to forge: this one (its decision) plus live peers whose status says so.
    public var allowedRegions: Int
    /// Peer regions of the pool whose liveness is unknown (heartbeat silent for the peer timeout).
    public var unknownRegions: Int
    /// Peer regions of the pool, live or not.
    public var peerRegions: Int

    public init(forgingPods: Int, allowedRegions: Int, unknownRegions: Int, peerRegions: Int) {
        self.forgingPods = forgingPods; self.allowedRegions = allowedRegions
        self.unknownRegions = unknownRegions; self.peerRegions = peerRegions
    }

    public static func compute(
        ownForgingPods: Int, ownAllowed: Bool, peers: [PeerRegion], peerTimeout: Duration
    ) -> PoolView {
        var view = PoolView(forgingPods: ownForgingPods, allowedRegions: ownAllowed ? 1 : 0,
                            unknownRegions: 0, peerRegions: peers.count)
        for peer in peers {
            guard isLive(peer, peerTimeout: peerTimeout) else {
                view.unknownRegions += 1
                continue
            }
            view.forgingPods += peer.status?.reportingPods?.filter { $0.forging == true }.count ?? 0
            if peer.status?.forgingEnabled == true { view.allowedRegions += 1 }
        }
        return view
    }

    /// Live: the peer's heartbeat changed within the peer timeout (on our clock), the same
    /// rule the forge decision applies.
    public static func isLive(_ peer: PeerRegion, peerTimeout: Duration) -> Bool {
        peer.heartbeatAge < peerTimeout
    }
}
