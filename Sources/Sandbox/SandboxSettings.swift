import Foundation

/// The fixed shape of the sandbox: one pool (ALPHA on mainnet) in two regions, three block
/// producers per region, and timings short enough that the whole story runs in ~2 minutes.
/// The names are the ones the docs use (see ci/doc-checks), so keep them stable.
enum SandboxSettings {
    static let network = "mainnet"
    static let networkMagic = 764824073
    static let poolId = "pool1736syfjv9yzcstt7awcmckfr72x00u6dh68anzlyzzhu5gsjr55"
    static let poolTicker = "ALPHA"
    /// ResourceNames.leaseName(network:poolId:) for the pool above; both regions use it, each
    /// in its own namespace, as two real clusters would.
    static let leaseName = "cardano-leader-mainnet-pool1736sy"
    static let podsPerRegion = 3
    static let podLabels = ["app.kubernetes.io/name": "cardano-block-producer", "cardano.io/pool": "alpha"]

    /// The reporters' timings (seconds), as the chart passes them in the environment.
    static let reporterTiming: [(String, String)] = [
        ("LEASE_DURATION", "6"), ("RENEW_DEADLINE", "4"), ("RETRY_PERIOD", "1"), ("RENEW_INTERVAL", "2"),
        ("SLEEP_INTERVAL", "1"), ("REPORT_HEARTBEAT", "2"), ("CLUSTER_STATUS_STALENESS", "6"),
    ]

    /// The aggregators' flags. --peer-timeout must exceed the peers' fence time, the longer of
    /// their lease duration (6 s) and status staleness + sleep interval (6 s + 1 s), plus the
    /// fence margin (2 heartbeats): the aggregator's own validation rule.
    static let aggregatorTiming: [String] = [
        "--heartbeat-interval", "1s", "--peer-timeout", "12s", "--peer-lease-duration", "6s",
        "--peer-status-staleness", "6s", "--peer-sleep-interval", "1s",
        "--settle", "2s", "--lease-duration", "6s", "--renew-deadline", "4s", "--retry-period", "1s",
    ]

    /// CardanoForgeCluster spec.gracePeriod: a report older than this is not fresh.
    static let gracePeriod = "10s"

    /// Like the kubelet's crash-loop back-off: a container killed by a signal comes back after
    /// this delay (longer than the lease, so a crashed leader is replaced by another pod rather
    /// than by its own restart); a container that exited by itself comes back after 1 s.
    static let crashRestartDelay: Duration = .seconds(10)
    static let exitRestartDelay: Duration = .seconds(1)
}

/// One region: its namespace, priority and the CardanoForgeCluster that describes it.
struct RegionSpec: Sendable {
    let name: String
    let priority: Int

    var namespace: String { "cardano-\(name)" }
    var clusterName: String { "\(SandboxSettings.network)-pool1736sy-\(name)" }
    var podNames: [String] { (0..<SandboxSettings.podsPerRegion).map { "bp-\(name)-\($0)" } }

    static let primary = RegionSpec(name: "us-east-1", priority: 1)
    static let secondary = RegionSpec(name: "eu-west-1", priority: 2)
    static let all = [primary, secondary]
}
