/// What the aggregator tells about a CardanoForgeCluster as Kubernetes Events, so
/// `kubectl describe cfc` tells a failover's story in order: derived purely from two
/// consecutive snapshots of the region's decision.
public struct ClusterEventSnapshot: Equatable, Sendable {
    public var forgingEnabled: Bool
    public var reason: String
    public var message: String
    /// nil while the region has no health check.
    public var healthy: Bool?
    public var overrideActive: Bool
    /// spec.override.enabled (an active override that stops being active while this stays
    /// true has expired; otherwise it was removed).
    public var overrideConfigured: Bool
    public var forgingPods: Int
    /// Peer regions by name: true while live.
    public var peers: [String: Bool]
    /// nil while unknown (no report carries credentials).
    public var credentialsConsistent: Bool?

    public init(forgingEnabled: Bool, reason: String, message: String, healthy: Bool?, overrideActive: Bool,
                overrideConfigured: Bool, forgingPods: Int, peers: [String: Bool], credentialsConsistent: Bool?) {
        self.forgingEnabled = forgingEnabled; self.reason = reason; self.message = message; self.healthy = healthy
        self.overrideActive = overrideActive; self.overrideConfigured = overrideConfigured
        self.forgingPods = forgingPods; self.peers = peers; self.credentialsConsistent = credentialsConsistent
    }
}

public struct ClusterEvent: Equatable, Sendable {
    public var warning: Bool
    public var reason: String
    public var action: String
    public var note: String

    public init(warning: Bool, reason: String, action: String, note: String) {
        self.warning = warning; self.reason = reason; self.action = action; self.note = note
    }
}

public enum ClusterEventDetector {
    /// The events between `old` and `new`, in the order an operator reads them (cause before
    /// effect: health, override, peers, credentials, then the decision, then forgers). The
    /// first snapshot of a cluster (`old` nil) reports only a state that needs attention.
    public static func events(from old: ClusterEventSnapshot?, to new: ClusterEventSnapshot) -> [ClusterEvent] {
        var out: [ClusterEvent] = []
        if let healthy = new.healthy, healthy != (old?.healthy ?? true) || (old == nil && !healthy) {
            out.append(healthy
                ? ClusterEvent(warning: false, reason: "HealthCheckPassing", action: "Probe", note: "health check passes again")
                : ClusterEvent(warning: true, reason: "HealthCheckFailing", action: "Probe",
                               note: "health check failing: the region is not eligible to forge"))
        }
        if let old {
            if new.overrideActive && !old.overrideActive {
                out.append(ClusterEvent(warning: false, reason: "OverrideApplied", action: "Override",
                                        note: "spec.override is in force"))
            } else if !new.overrideActive && old.overrideActive {
                out.append(ClusterEvent(warning: false, reason: "OverrideExpired", action: "Override",
                                        note: new.overrideConfigured ? "spec.override expired" : "spec.override removed"))
            }
            for (peer, live) in new.peers.sorted(by: { $0.key < $1.key }) where old.peers[peer] != nil && old.peers[peer] != live {
                out.append(live
                    ? ClusterEvent(warning: false, reason: "PeerBack", action: "WatchPeer", note: "peer region \(peer) is live again")
                    : ClusterEvent(warning: true, reason: "PeerGone", action: "WatchPeer",
                                   note: "peer region \(peer): heartbeat silent for the peer timeout; treated as gone"))
            }
        }
        if new.credentialsConsistent == false && (old?.credentialsConsistent ?? true) {
            out.append(ClusterEvent(warning: true, reason: "CredentialsInconsistent", action: "CheckCredentials",
                                    note: "operational certificates or counters differ between pods or regions"))
        }
        if new.forgingEnabled != (old?.forgingEnabled ?? false) {
            let why = new.message.isEmpty ? new.reason : "\(new.reason): \(new.message)"
            out.append(new.forgingEnabled
                ? ClusterEvent(warning: false, reason: "RegionAllowed", action: "Decide", note: "this region may forge (\(why))")
                : ClusterEvent(warning: false, reason: "RegionWithdrawn", action: "Decide", note: "forging withdrawn (\(why))"))
        }
        if new.forgingPods > 1 && (old?.forgingPods ?? 0) <= 1 {
            out.append(ClusterEvent(warning: true, reason: "MultipleForgers", action: "Aggregate",
                                    note: "\(new.forgingPods) pods of the region report forging at once"))
        }
        return out
    }
}
