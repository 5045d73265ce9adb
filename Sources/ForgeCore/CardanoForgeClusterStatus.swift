import FoundationEssentials

/// `status` of a `CardanoForgeCluster` (ARCHITECTURE.md §6), written only by the aggregator.
///
/// All fields are optional: the aggregator builds the whole desired status and sends only the
/// difference as a JSON merge patch (`JSONMergePatch`), and readers (reporters, peers) must
/// cope with a status some other version wrote.
public struct CardanoForgeClusterStatus: Codable, Equatable, Sendable {
    public struct HealthStatus: Codable, Equatable, Sendable {
        public var healthy: Bool?
        /// RFC 3339, display only.
        public var lastProbeTime: String?
        public var consecutiveFailures: Int?
        public var message: String?
        /// Of the last probe, as a duration string ("12ms").
        public var responseTime: String?
        public init(healthy: Bool? = nil, lastProbeTime: String? = nil, consecutiveFailures: Int? = nil,
                    message: String? = nil, responseTime: String? = nil) {
            self.healthy = healthy; self.lastProbeTime = lastProbeTime
            self.consecutiveFailures = consecutiveFailures; self.message = message; self.responseTime = responseTime
        }
    }

    public struct ReportingPod: Codable, Equatable, Sendable {
        public var podName: String?
        /// The report's phase, or `error` when the annotation could not be used.
        public var phase: String?
        public var leader: Bool?
        public var forging: Bool?
        public var socketHealthy: Bool?
        public var credentials: String?
        public var fresh: Bool?
        /// When the aggregator last saw the report change (wall clock, informational).
        public var lastSeen: String?
        /// Short CamelCase cause when the report is unusable.
        public var reason: String?
        /// Why the report could not be used (parse error, unknown schemaVersion, oversized).
        public var message: String?
        public init(podName: String? = nil, phase: String? = nil, leader: Bool? = nil, forging: Bool? = nil,
                    socketHealthy: Bool? = nil, credentials: String? = nil, fresh: Bool? = nil,
                    lastSeen: String? = nil, reason: String? = nil, message: String? = nil) {
            self.podName = podName; self.phase = phase; self.leader = leader; self.forging = forging
            self.socketHealthy = socketHealthy; self.credentials = credentials; self.fresh = fresh
            self.lastSeen = lastSeen; self.reason = reason; self.message = message
        }
    }

    public var phase: String?
    public var effectiveState: String?
    public var effectivePriority: Int?
    /// This region may forge: the reporters' cluster permission. Peers additionally check
    /// `reportingPods` so a revoked region still reporting a forging pod keeps them waiting.
    public var forgingEnabled: Bool?
    public var activeLeader: String?
    public var reason: String?
    public var message: String?
    public var healthStatus: HealthStatus?
    public var reportingPods: [ReportingPod]?
    public var totalPods: Int?
    public var freshPods: Int?
    /// Incremented with every status write (a write sequence; it no longer moves on its own).
    /// A reporter ignores a status whose counter went backwards: a late write of a replaced
    /// replica. Liveness is the aggregator's Lease, see `writtenBy`.
    public var heartbeat: Int64?
    /// The aggregator term that wrote this status. Reporters trust the status only while they
    /// see that term's Lease renewed (docs/SAFETY.md, "Region liveness").
    public var writtenBy: AggregatorTerm?
    /// RFC 3339; changes only when `forgingEnabled` or `activeLeader` really change.
    public var lastTransition: String?
    public var observedGeneration: Int64?
    public var conditions: [StatusCondition]?
    /// The region's credentials (`RegionCredentialsJudge`); absent while no report has them.
    public var credentials: CredentialsSummary?

    public init() {}
}

/// A standard Kubernetes condition. `lastTransitionTime` changes only when `status` does.
public struct StatusCondition: Codable, Equatable, Sendable {
    public var type: String
    public var status: String
    public var reason: String?
    public var message: String?
    public var lastTransitionTime: String?
    public var observedGeneration: Int64?
    public init(type: String, status: String, reason: String? = nil, message: String? = nil,
                lastTransitionTime: String? = nil, observedGeneration: Int64? = nil) {
        self.type = type; self.status = status; self.reason = reason; self.message = message
        self.lastTransitionTime = lastTransitionTime; self.observedGeneration = observedGeneration
    }

    /// `conditions` with `next` merged in: the transition time is carried over from the
    /// existing condition of that type unless the status changed.
    public static func merge(_ next: [StatusCondition], into existing: [StatusCondition]?, now: String) -> [StatusCondition] {
        next.map { condition in
            var merged = condition
            if let old = existing?.first(where: { $0.type == condition.type }), old.status == condition.status,
               let time = old.lastTransitionTime {
                merged.lastTransitionTime = time
            } else {
                merged.lastTransitionTime = now
            }
            return merged
        }
    }
}
