import FoundationEssentials

/// A `cardano.io/v1` `CardanoForgeCluster`: one region of one pool.
public struct CardanoForgeCluster: Codable, Equatable, Sendable {
    public static let apiVersion = "cardano.io/v1"
    public static let kind = "CardanoForgeCluster"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: CardanoForgeClusterSpec?
    public var status: CardanoForgeClusterStatus?

    public init(metadata: ObjectMeta, spec: CardanoForgeClusterSpec?, status: CardanoForgeClusterStatus? = nil) {
        self.apiVersion = Self.apiVersion
        self.kind = Self.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    public var name: String { metadata.name ?? "" }
}

/// A `cardano.io/v1` `CardanoLeader`, kept for compatibility: one per pool, named like the
/// pool's Lease. The chart creates it; the aggregator only fills its status.
public struct CardanoLeader: Codable, Equatable, Sendable {
    public static let apiVersion = "cardano.io/v1"
    public static let kind = "CardanoLeader"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: CardanoLeaderStatus?

    public init(metadata: ObjectMeta, spec: JSONValue? = nil, status: CardanoLeaderStatus? = nil) {
        self.apiVersion = Self.apiVersion; self.kind = Self.kind
        self.metadata = metadata; self.spec = spec; self.status = status
    }
}

public struct CardanoLeaderStatus: Codable, Equatable, Sendable {
    public var leaderPod: String?
    public var forgingEnabled: Bool?
    /// RFC 3339; changes only when the leader or forging really changes.
    public var lastTransitionTime: String?
    public var reason: String?
    public var observedGeneration: Int64?
    public var conditions: [StatusCondition]?
    public init(leaderPod: String? = nil, forgingEnabled: Bool? = nil, lastTransitionTime: String? = nil,
                reason: String? = nil, observedGeneration: Int64? = nil, conditions: [StatusCondition]? = nil) {
        self.leaderPod = leaderPod; self.forgingEnabled = forgingEnabled
        self.lastTransitionTime = lastTransitionTime; self.reason = reason
        self.observedGeneration = observedGeneration; self.conditions = conditions
    }
}
