import ArgumentParser

/// One flag per setting, named after its environment variable (`LEASE_DURATION` ->
/// `--lease-duration`). Values are strings here and validated with the environment's, by
/// `ReporterConfig.load`, so a flag and a variable are checked by the same rules.
struct ReporterOptions: ParsableArguments {
    @Option(name: .customLong("namespace"), help: "Overrides $NAMESPACE.") var namespace: String?
    @Option(name: .customLong("pod-name"), help: "Overrides $POD_NAME.") var podName: String?
    @Option(name: .customLong("node-name"), help: "Overrides $NODE_NAME.") var nodeName: String?
    @Option(name: .customLong("kubeconfig"), help: "Overrides $KUBECONFIG.") var kubeconfig: String?
    @Option(name: .customLong("node-socket"), help: "Overrides $NODE_SOCKET.") var nodeSocket: String?
    @Option(name: .customLong("socket-wait-timeout"), help: "Overrides $SOCKET_WAIT_TIMEOUT.") var socketWaitTimeout: String?
    @Option(name: .customLong("disable-socket-check"), help: "Overrides $DISABLE_SOCKET_CHECK.") var disableSocketCheck: String?
    @Option(name: .customLong("cardano-node-process-name"), help: "Overrides $CARDANO_NODE_PROCESS_NAME.") var cardanoNodeProcessName: String?
    @Option(name: .customLong("node-log-file"), help: "Overrides $NODE_LOG_FILE.") var nodeLogFile: String?
    @Option(name: .customLong("source-kes-key"), help: "Overrides $SOURCE_KES_KEY.") var sourceKesKey: String?
    @Option(name: .customLong("source-vrf-key"), help: "Overrides $SOURCE_VRF_KEY.") var sourceVrfKey: String?
    @Option(name: .customLong("source-op-cert"), help: "Overrides $SOURCE_OP_CERT.") var sourceOpCert: String?
    @Option(name: .customLong("target-kes-key"), help: "Overrides $TARGET_KES_KEY.") var targetKesKey: String?
    @Option(name: .customLong("target-vrf-key"), help: "Overrides $TARGET_VRF_KEY.") var targetVrfKey: String?
    @Option(name: .customLong("target-op-cert"), help: "Overrides $TARGET_OP_CERT.") var targetOpCert: String?
    @Option(name: .customLong("lease-name"), help: "Overrides $LEASE_NAME.") var leaseName: String?
    @Option(name: .customLong("lease-duration"), help: "Overrides $LEASE_DURATION.") var leaseDuration: String?
    @Option(name: .customLong("renew-deadline"), help: "Overrides $RENEW_DEADLINE.") var renewDeadline: String?
    @Option(name: .customLong("retry-period"), help: "Overrides $RETRY_PERIOD.") var retryPeriod: String?
    @Option(name: .customLong("sleep-interval"), help: "Overrides $SLEEP_INTERVAL.") var sleepInterval: String?
    @Option(name: .customLong("report-heartbeat"), help: "Overrides $REPORT_HEARTBEAT.") var reportHeartbeat: String?
    @Option(name: .customLong("fence-file"), help: "Overrides $FENCE_FILE.") var fenceFile: String?
    @Option(name: .customLong("require-guard"),
            help: "Install keys only while the guard's heartbeat is fresh (default true; $REQUIRE_GUARD).")
    var requireGuard: String?
    @Option(name: .customLong("guard-heartbeat-file"),
            help: "The guard's heartbeat file (default: guard-heartbeat beside the fence file; $GUARD_HEARTBEAT_FILE).")
    var guardHeartbeatFile: String?
    @Option(name: .customLong("guard-staleness"),
            help: "Seconds after which the guard's heartbeat counts as stale (default 5; $GUARD_STALENESS).")
    var guardStaleness: String?
    @Option(name: .customLong("cardano-network"), help: "Overrides $CARDANO_NETWORK.") var cardanoNetwork: String?
    @Option(name: .customLong("network-magic"), help: "Overrides $NETWORK_MAGIC.") var networkMagic: String?
    @Option(name: .customLong("pool-id"), help: "Overrides $POOL_ID.") var poolId: String?
    @Option(name: .customLong("pool-id-hex"), help: "Overrides $POOL_ID_HEX.") var poolIdHex: String?
    @Option(name: .customLong("pool-name"), help: "Overrides $POOL_NAME.") var poolName: String?
    @Option(name: .customLong("pool-ticker"), help: "Overrides $POOL_TICKER.") var poolTicker: String?
    @Option(name: .customLong("application-type"), help: "Overrides $APPLICATION_TYPE.") var applicationType: String?
    @Option(name: .customLong("enable-cluster-management"), help: "Overrides $ENABLE_CLUSTER_MANAGEMENT.") var enableClusterManagement: String?
    @Option(name: .customLong("cluster-region"), help: "Overrides $CLUSTER_REGION.") var clusterRegion: String?
    @Option(name: .customLong("cluster-priority"), help: "Overrides $CLUSTER_PRIORITY.") var clusterPriority: String?
    @Option(name: .customLong("cluster-environment"), help: "Overrides $CLUSTER_ENVIRONMENT.") var clusterEnvironment: String?
    @Option(name: .customLong("cluster-status-staleness"), help: "Overrides $CLUSTER_STATUS_STALENESS.") var clusterStatusStaleness: String?
    @Option(name: .customLong("crd-group"), help: "Overrides $CRD_GROUP.") var crdGroup: String?
    @Option(name: .customLong("crd-version"), help: "Overrides $CRD_VERSION.") var crdVersion: String?
    @Option(name: .customLong("crd-plural"), help: "Overrides $CRD_PLURAL.") var crdPlural: String?
    @Option(name: .customLong("crd-name"), help: "Overrides $CRD_NAME.") var crdName: String?
    @Option(name: .customLong("health-check-endpoint"), help: "Overrides $HEALTH_CHECK_ENDPOINT.") var healthCheckEndpoint: String?
    @Option(name: .customLong("health-check-interval"), help: "Overrides $HEALTH_CHECK_INTERVAL.") var healthCheckInterval: String?
    @Option(name: .customLong("metrics-port"), help: "Overrides $METRICS_PORT.") var metricsPort: String?
    @Option(name: .customLong("log-level"), help: "Overrides $LOG_LEVEL.") var logLevel: String?
    @Option(name: .customLong("allow-insecure-kubeconfig"), help: "Overrides $ALLOW_INSECURE_KUBECONFIG.") var allowInsecureKubeconfig: String?

    /// The flags given, keyed by environment variable name.
    var overrides: [String: String] {
        let all: [(String, String?)] = [
            ("NAMESPACE", namespace),
            ("POD_NAME", podName),
            ("NODE_NAME", nodeName),
            ("KUBECONFIG", kubeconfig),
            ("NODE_SOCKET", nodeSocket),
            ("SOCKET_WAIT_TIMEOUT", socketWaitTimeout),
            ("DISABLE_SOCKET_CHECK", disableSocketCheck),
            ("CARDANO_NODE_PROCESS_NAME", cardanoNodeProcessName),
            ("NODE_LOG_FILE", nodeLogFile),
            ("SOURCE_KES_KEY", sourceKesKey),
            ("SOURCE_VRF_KEY", sourceVrfKey),
            ("SOURCE_OP_CERT", sourceOpCert),
            ("TARGET_KES_KEY", targetKesKey),
            ("TARGET_VRF_KEY", targetVrfKey),
            ("TARGET_OP_CERT", targetOpCert),
            ("LEASE_NAME", leaseName),
            ("LEASE_DURATION", leaseDuration),
            ("RENEW_DEADLINE", renewDeadline),
            ("RETRY_PERIOD", retryPeriod),
            ("SLEEP_INTERVAL", sleepInterval),
            ("REPORT_HEARTBEAT", reportHeartbeat),
            ("FENCE_FILE", fenceFile),
            ("REQUIRE_GUARD", requireGuard),
            ("GUARD_HEARTBEAT_FILE", guardHeartbeatFile),
            ("GUARD_STALENESS", guardStaleness),
            ("CARDANO_NETWORK", cardanoNetwork),
            ("NETWORK_MAGIC", networkMagic),
            ("POOL_ID", poolId),
            ("POOL_ID_HEX", poolIdHex),
            ("POOL_NAME", poolName),
            ("POOL_TICKER", poolTicker),
            ("APPLICATION_TYPE", applicationType),
            ("ENABLE_CLUSTER_MANAGEMENT", enableClusterManagement),
            ("CLUSTER_REGION", clusterRegion),
            ("CLUSTER_PRIORITY", clusterPriority),
            ("CLUSTER_ENVIRONMENT", clusterEnvironment),
            ("CLUSTER_STATUS_STALENESS", clusterStatusStaleness),
            ("CRD_GROUP", crdGroup),
            ("CRD_VERSION", crdVersion),
            ("CRD_PLURAL", crdPlural),
            ("CRD_NAME", crdName),
            ("HEALTH_CHECK_ENDPOINT", healthCheckEndpoint),
            ("HEALTH_CHECK_INTERVAL", healthCheckInterval),
            ("METRICS_PORT", metricsPort),
            ("LOG_LEVEL", logLevel),
            ("ALLOW_INSECURE_KUBECONFIG", allowInsecureKubeconfig),
        ]
        var result: [String: String] = [:]
        for (name, value) in all {
            if let value { result[name] = value }
        }
        return result
    }

    /// The environment with the flags laid over it.
    func settings(environment: [String: String]) -> [String: String] {
        environment.merging(overrides) { _, flag in flag }
    }
}
