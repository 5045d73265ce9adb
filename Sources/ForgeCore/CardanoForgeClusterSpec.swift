import FoundationEssentials

/// `spec` of a `CardanoForgeCluster` (ARCHITECTURE.md §6), written by people or GitOps.
///
/// Every field is optional: a CR with a missing or odd field must still be aggregated (and the
/// problem shown in its status), never crash the aggregator. Unknown fields are ignored.
public struct CardanoForgeClusterSpec: Codable, Equatable, Sendable {
    public struct Network: Codable, Equatable, Sendable {
        public var name: String?
        public var magic: Int64?
        public var era: String?
        public init(name: String? = nil, magic: Int64? = nil, era: String? = nil) {
            self.name = name; self.magic = magic; self.era = era
        }
    }

    public struct Pool: Codable, Equatable, Sendable {
        public var id: String?
        public var idHex: String?
        public var name: String?
        public var ticker: String?
        public var description: String?
        public init(id: String? = nil, idHex: String? = nil, name: String? = nil, ticker: String? = nil, description: String? = nil) {
            self.id = id; self.idHex = idHex; self.name = name; self.ticker = ticker; self.description = description
        }
    }

    public struct Application: Codable, Equatable, Sendable {
        public var type: String?
        public var environment: String?
        public var version: String?
        public init(type: String? = nil, environment: String? = nil, version: String? = nil) {
            self.type = type; self.environment = environment; self.version = version
        }
    }

    public struct HealthCheck: Codable, Equatable, Sendable {
        public var enabled: Bool?
        public var endpoint: String?
        /// Go-style duration ("30s"); see `KubeDuration`.
        public var interval: String?
        public var timeout: String?
        public var failureThreshold: Int?
        /// Consecutive successes before an unhealthy region counts as healthy again.
        public var successThreshold: Int?
        public var headers: [String: String]?
        public init(
            enabled: Bool? = nil, endpoint: String? = nil, interval: String? = nil, timeout: String? = nil,
            failureThreshold: Int? = nil, successThreshold: Int? = nil, headers: [String: String]? = nil
        ) {
            self.enabled = enabled; self.endpoint = endpoint; self.interval = interval
            self.timeout = timeout; self.failureThreshold = failureThreshold
            self.successThreshold = successThreshold; self.headers = headers
        }
    }

    public struct Override: Codable, Equatable, Sendable {
        public var enabled: Bool?
        public var reason: String?
        /// RFC 3339. Without it the override applies until disabled.
        public var expiresAt: String?
        public var forcePriority: Int?
        public var forceState: ForgeState?
        public init(
            enabled: Bool? = nil, reason: String? = nil, expiresAt: String? = nil,
            forcePriority: Int? = nil, forceState: ForgeState? = nil
        ) {
            self.enabled = enabled; self.reason = reason; self.expiresAt = expiresAt
            self.forcePriority = forcePriority; self.forceState = forceState
        }
    }

    public var network: Network?
    public var pool: Pool?
    public var application: Application?
    public var region: String?
    public var forgeState: ForgeState?
    public var priority: Int?
    public var healthCheck: HealthCheck?
    public var override: Override?
    public var podSelector: LabelSelector?
    /// Go-style duration; default `150s`: two report heartbeats (REPORT_HEARTBEAT 60 s) plus
    /// 30 s, so a live pod survives one whole missed heartbeat, as 90 s did with 30 s.
    public var gracePeriod: String?

    public init(
        network: Network? = nil, pool: Pool? = nil, application: Application? = nil, region: String? = nil,
        forgeState: ForgeState? = nil, priority: Int? = nil, healthCheck: HealthCheck? = nil,
        override: Override? = nil, podSelector: LabelSelector? = nil, gracePeriod: String? = nil
    ) {
        self.network = network; self.pool = pool; self.application = application; self.region = region
        self.forgeState = forgeState; self.priority = priority; self.healthCheck = healthCheck
        self.override = override; self.podSelector = podSelector; self.gracePeriod = gracePeriod
    }

    public static let defaultPriority = 100
    public static let defaultGracePeriod: Duration = .seconds(150)

    /// The pool this CR belongs to: CRs with equal keys are the regions of one pool.
    public var poolKey: PoolKey? {
        guard let network = network?.name, !network.isEmpty, let id = pool?.id, !id.isEmpty else { return nil }
        return PoolKey(network: network, poolId: id)
    }
}

/// `network.name` + `pool.id`: what makes CardanoForgeClusters regions of the same pool.
public struct PoolKey: Hashable, Sendable, CustomStringConvertible {
    public var network: String
    public var poolId: String
    public init(network: String, poolId: String) { self.network = network; self.poolId = poolId }
    public var description: String { "\(network)/\(poolId)" }
}

/// `spec.forgeState` (and `override.forceState`). Unknown strings decode as `.unknown` so a typo
/// in a CR is reported in its status rather than failing the whole watch.
public enum ForgeState: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    case enabled, disabled, priorityBased
    case unknown(String)

    public init(rawValue: String) {
        switch rawValue {
        case "Enabled": self = .enabled
        case "Disabled": self = .disabled
        case "Priority-based": self = .priorityBased
        default: self = .unknown(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .enabled: "Enabled"
        case .disabled: "Disabled"
        case .priorityBased: "Priority-based"
        case .unknown(let raw): raw
        }
    }

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
