import ForgeCore

extension AggregatorMetrics {
    /// Region-level credential series (the reporters export the per-pod KES series). Without a
    /// summary (no report carries an inspection yet) the gauges read -1: unknown, not "fine".
    func updateCredentials(cluster: String, labels: [(String, String)], summary: CardanoForgeClusterStatus.CredentialsSummary?) {
        func value(_ flag: Bool?) -> Double { flag.map { $0 ? 1 : 0 } ?? -1 }
        registerGauge(cluster, "cardano_credentials_consistent",
                      "1 when every pod of the region and every live peer region read the same operational certificate and counter; 0 when not; -1 unknown",
                      labels).set(to: value(summary?.consistent))
        registerGauge(cluster, "cardano_credentials_usable",
                      "1 when the region's credentials can forge as far as is known; 0 when they cannot (region not eligible: CredentialsNotUsable); -1 unknown",
                      labels).set(to: value(summary?.usable))
        registerGauge(cluster, "cardano_credentials_pool_id_match",
                      "1 when the region's certificate belongs to the configured pool; 0 when it belongs to another; -1 unknown",
                      labels).set(to: value(summary?.poolIdMatches))
        registerGauge(cluster, "cardano_cluster_kes_days_remaining",
                      "Whole days until the region's KES key expires (-1 unknown)",
                      labels).set(to: Double(summary?.kesDaysLeft ?? -1))
    }
}
