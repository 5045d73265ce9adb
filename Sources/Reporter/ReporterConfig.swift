import ForgeCore
import Logging

/// Everything `forge-reporter` is configured with, validated. Built by `ReporterConfig.load`
/// from the predecessor's environment variables (same names and defaults, ARCHITECTURE.md §8)
/// overridden by command-line flags.
struct ReporterConfig: Sendable, Equatable {
    // Identity
    var namespace: String
    var podName: String
    /// POD_UID (downward API `metadata.uid`): part of the election identity, so a pod
    /// recreated under the same name does not take over its predecessor's Lease at once.
    var podUID: String?
    /// The Kubernetes node this pod runs on (NODE_NAME from spec.nodeName), for the report.
    var nodeName: String?
    var kubeconfig: String?
    /// ALLOW_INSECURE_KUBECONFIG: accept a kubeconfig with an http:// server or
    /// insecure-skip-tls-verify (refused at start otherwise).
    var allowInsecureKubeconfig: Bool

    // The node
    var nodeSocket: String
    var socketWaitTimeout: Duration
    var disableSocketCheck: Bool
    var nodeProcessName: String
    var nodeLogFile: String?

    // Credentials: source (secret volume) -> target (read by cardano-node)
    var sourceKESKey: String
    var sourceVRFKey: String
    var sourceOpCert: String
    var targetKESKey: String
    var targetVRFKey: String
    var targetOpCert: String

    // Election and timing
    var leaseName: String
    var leaseDuration: Duration
    var renewDeadline: Duration
    var retryPeriod: Duration
    /// The leader renews this long after its last successful renew started (RENEW_INTERVAL).
    var renewInterval: Duration = .seconds(5)
    var sleepInterval: Duration
    var reportHeartbeat: Duration
    var fenceFile: String

    // Pool identity (labels, names)
    var network: String?
    var networkMagic: Int?
    var poolId: String?
    var poolIdHex: String?
    var poolName: String?
    var poolTicker: String?
    var applicationType: String

    // Cluster permission
    var enableClusterManagement: Bool
    var clusterRegion: String?
    var clusterPriority: Int
    var clusterEnvironment: String
    var clusterName: String?
    var clusterStatusStaleness: Duration
    /// API group/version of the CardanoForgeCluster the permission is read from.
    var crdGroup: String
    var crdVersion: String
    /// Accepted for compatibility; the reporter writes no custom resource, so the plural of
    /// the legacy CardanoLeader is not used.
    var crdPlural: String
    /// Name of the CardanoForgeCluster when network/pool/region do not derive one.
    var crdName: String?
    /// Accepted for compatibility; health checks are the aggregator's job now (§7).
    var healthCheckEndpoint: String?
    var healthCheckInterval: Duration

    // Observability
    var metricsPort: UInt16
    var logLevel: Logger.Level

    /// The node's Prometheus endpoint: confirms a disable on a graceful stop when no node log
    /// is configured (NODE_METRICS_URL; empty turns it off).
    var nodeMetricsURL: String? = "http://127.0.0.1:12798/metrics"

    // The guard (a second container): keys are installed only while its heartbeat is fresh.
    var requireGuard = true
    var guardHeartbeatFile = "/run/forge/guard-heartbeat"
    var guardStaleness: Duration = .seconds(5)

    // Credential inspection (every pod, standbys too): the Shelley genesis puts KES periods on
    // the clock, the node's Prometheus endpoint gives its slot.
    var shelleyGenesisFile: String?

    /// The pool the certificate must belong to, as hex: POOL_ID_HEX, else POOL_ID in hex or
    /// bech32 form; nil when neither is set (or POOL_ID is some other label).
    var expectedPoolIdHex: String? { poolIdHex ?? poolId.flatMap(PoolIdentifier.hex(from:)) }

    /// Keys are never installed when the fence deadline is closer than this: installing and
    /// signalling takes milliseconds, but a renew that barely made it leaves no room for the
    /// node to act before the guard (or our own fence) must take the keys away again.
    var fenceMargin: Duration {
        min(retryPeriod, .nanoseconds(renewDeadline.nanoseconds / 2))
    }

    /// The identity in the pool's Lease: `<podName>_<podUID>`, or the pod name without a UID.
    var electionIdentity: String { ElectionIdentity.make(podName: podName, podUID: podUID) }

    /// `/healthz` fails when the control loop has not finished a pass for this long.
    var livenessWindow: Duration {
        .nanoseconds(sleepInterval.nanoseconds * 3 + 1_000_000_000)
    }
}
