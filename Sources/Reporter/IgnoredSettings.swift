/// Settings the Python sidecar read that `forge-reporter` accepts (so an unchanged manifest
/// still starts) but does not act on. Each one that is set earns a warning at start, so "it
/// is accepted" never reads as "it works" (docs/MIGRATION.md, "Accepted and ignored").
struct IgnoredSetting: Equatable, Sendable {
    let name: String
    let value: String
    let why: String

    /// The reasons, by variable. `CLUSTER_PRIORITY` and `NETWORK_MAGIC`/`POOL_ID_HEX` are still
    /// validated by `ReporterConfig.load`; the rest are not read at all.
    static let reasons: [(name: String, why: String)] = [
        ("HEALTH_CHECK_ENDPOINT", "health checks are the aggregator's: set spec.healthCheck of the CardanoForgeCluster"),
        ("HEALTH_CHECK_INTERVAL", "health checks are the aggregator's: set spec.healthCheck.interval of the CardanoForgeCluster"),
        ("CLUSTER_PRIORITY", "the priority that counts is spec.priority of the CardanoForgeCluster"),
        ("CLUSTER_ENVIRONMENT", "not used by forge-reporter"),
        ("CLUSTER_IDENTIFIER", "not used: the CardanoForgeCluster is named {network}-{poolShort}-{region} or CRD_NAME"),
        ("CRD_PLURAL", "forge-reporter writes no custom resource; it reads cardanoforgeclusters"),
        ("POOL_NAME", "not used by forge-reporter (put it in spec.pool of the CardanoForgeCluster)"),
        ("POOL_TICKER", "not used by forge-reporter (put it in spec.pool.ticker of the CardanoForgeCluster)"),
        ("POOL_ID_HEX", "only validated; the pool is identified by POOL_ID"),
        ("NETWORK_MAGIC", "only checked against CARDANO_NETWORK; forge-reporter does not talk to the node's protocol"),
        ("START_AS_NON_PRODUCING", "cardano-node always starts with --start-as-non-producing-node under forge-reporter"),
    ]

    /// The ignored settings that are set (non-empty) in `settings`, in the order of `reasons`.
    static func present(in settings: [String: String]) -> [IgnoredSetting] {
        reasons.compactMap { entry in
            guard let raw = settings[entry.name], raw.contains(where: { !$0.isWhitespace }) else { return nil }
            return IgnoredSetting(name: entry.name, value: raw, why: entry.why)
        }
    }
}
