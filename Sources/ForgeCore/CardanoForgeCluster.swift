import FoundationEssentials

/// A `cardano.io/v1` `CardanoForgeCluster`: one region of one pool.
public struct CardanoForgeCluster: Codable, Equatable, Sendable {
    public static let apiVersion = "cardano.io/v1"
    public static let kind = "CardanoForgeCluster"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: CardanoForgeClusterSpec? {
        get { sharedSpec?.value }
        set { sharedSpec = newValue.map(Shared.init) }
    }
    public var status: CardanoForgeClusterStatus? {
        get { sharedStatus?.value }
        set { sharedStatus = newValue.map(Shared.init) }
    }
    /// The status as a shared reference, so a kept object and the aggregator's own maps can
    /// hold one copy of an equal status (AggregatorEngine+Kept). Spec and status live out of
    /// line: the aggregator keeps every pool's object in a dictionary, whose every slot would
    /// otherwise be ~1 KiB.
    public var sharedStatus: Shared<CardanoForgeClusterStatus>?
    private var sharedSpec: Shared<CardanoForgeClusterSpec>?

    public init(metadata: ObjectMeta, spec: CardanoForgeClusterSpec?, status: CardanoForgeClusterStatus? = nil) {
        self.apiVersion = Self.apiVersion
        self.kind = Self.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    public var name: String { metadata.name ?? "" }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec, status
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try c.decodeIfPresent(String.self, forKey: .kind)
        metadata = try c.decode(ObjectMeta.self, forKey: .metadata)
        spec = try c.decodeIfPresent(CardanoForgeClusterSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(CardanoForgeClusterStatus.self, forKey: .status)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(apiVersion, forKey: .apiVersion)
        try c.encodeIfPresent(kind, forKey: .kind)
        try c.encode(metadata, forKey: .metadata)
        try c.encodeIfPresent(spec, forKey: .spec)
        try c.encodeIfPresent(status, forKey: .status)
    }
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
