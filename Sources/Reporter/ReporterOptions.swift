import ArgumentParser

/// One flag per setting, named after its environment variable (`LEASE_DURATION` ->
/// `--lease-duration`). Values are strings here and validated with the environment's, by
/// `ReporterConfig.load`, so a flag and a variable are checked by the same rules. Each help
/// text says what the setting does, its environment variable and its default
/// (docs/CONFIGURATION.md has the same list).
struct ReporterOptions: ParsableArguments {
    @Option(name: .customLong("namespace"), help: "Namespace of the pod, its Lease and the CardanoForgeCluster. [env: NAMESPACE; default: default]")
    var namespace: String?
    @Option(name: .customLong("pod-name"), help: "This pod's name: election identity and the pod the report is published on (set from metadata.name). [env: POD_NAME; default: required]")
    var podName: String?
    @Option(name: .customLong("pod-uid"), help: "This pod's metadata.uid: the election identity is <pod name>_<uid>, so a pod recreated under the same name waits for its predecessor's Lease. [env: POD_UID; default: none (identity = pod name)]")
    var podUID: String?
    @Option(name: .customLong("node-name"), help: "Kubernetes node the pod runs on, shown in the report (set from spec.nodeName). [env: NODE_NAME; default: unset]")
    var nodeName: String?
    @Option(name: .customLong("kubeconfig"), help: "Kubeconfig file to reach the API server. [env: KUBECONFIG; default: in-cluster service account]")
    var kubeconfig: String?
    @Option(name: .customLong("node-socket"), help: "cardano-node's socket; its readiness tells that the node is up. [env: NODE_SOCKET; default: /ipc/node.socket]")
    var nodeSocket: String?
    @Option(name: .customLong("socket-wait-timeout"), help: "Seconds to wait for the node socket before reporting it missing (0: do not wait). [env: SOCKET_WAIT_TIMEOUT; default: 600]")
    var socketWaitTimeout: String?
    @Option(name: .customLong("disable-socket-check"), help: "true: treat the node as up without probing its socket (tests only). [env: DISABLE_SOCKET_CHECK; default: false]")
    var disableSocketCheck: String?
    @Option(name: .customLong("cardano-node-process-name"), help: "Process name of cardano-node, found in the shared process namespace and sent SIGHUP. [env: CARDANO_NODE_PROCESS_NAME; default: cardano-node]")
    var cardanoNodeProcessName: String?
    @Option(name: .customLong("node-log-file"), help: "cardano-node's log file, read to confirm that forging really changed after a SIGHUP. [env: NODE_LOG_FILE; default: unset]")
    var nodeLogFile: String?
    @Option(name: .customLong("source-kes-key"), help: "KES signing key in the Secret volume. [env: SOURCE_KES_KEY; default: /secrets/kes.skey]")
    var sourceKesKey: String?
    @Option(name: .customLong("source-vrf-key"), help: "VRF signing key in the Secret volume. [env: SOURCE_VRF_KEY; default: /secrets/vrf.skey]")
    var sourceVrfKey: String?
    @Option(name: .customLong("source-op-cert"), help: "Operational certificate in the Secret volume. [env: SOURCE_OP_CERT; default: /secrets/node.cert]")
    var sourceOpCert: String?
    @Option(name: .customLong("target-kes-key"), help: "Where cardano-node reads the KES key (installed only while forging). [env: TARGET_KES_KEY; default: /opt/cardano/secrets/kes.skey]")
    var targetKesKey: String?
    @Option(name: .customLong("target-vrf-key"), help: "Where cardano-node reads the VRF key (installed only while forging). [env: TARGET_VRF_KEY; default: /opt/cardano/secrets/vrf.skey]")
    var targetVrfKey: String?
    @Option(name: .customLong("target-op-cert"), help: "Where cardano-node reads the operational certificate (installed only while forging). [env: TARGET_OP_CERT; default: /opt/cardano/secrets/node.cert]")
    var targetOpCert: String?
    @Option(name: .customLong("lease-name"), help: "Lease of the pool's election. [env: LEASE_NAME; default: cardano-leader-<network>-<poolShort> when CARDANO_NETWORK and POOL_ID are set, else cardano-node-leader]")
    var leaseName: String?
    @Option(name: .customLong("lease-duration"), help: "Lease duration in whole seconds: how long others wait after the last renew. [env: LEASE_DURATION; default: 15]")
    var leaseDuration: String?
    @Option(name: .customLong("renew-deadline"), help: "Seconds after the last successful renew was sent at which the leader fences itself (must be < LEASE_DURATION). [env: RENEW_DEADLINE; default: 10]")
    var renewDeadline: String?
    @Option(name: .customLong("retry-period"), help: "Seconds between election attempts after a failed one: the leader's renew retries, a standby's reads while its Lease watch is down (must be < RENEW_DEADLINE). [env: RETRY_PERIOD; default: 2]")
    var retryPeriod: String?
    @Option(name: .customLong("renew-interval"), help: "Seconds between the leader's successful renews (RENEW_INTERVAL + RETRY_PERIOD must be < RENEW_DEADLINE). [env: RENEW_INTERVAL; default: 5, or RENEW_DEADLINE - 2 x RETRY_PERIOD when less]")
    var renewInterval: String?
    @Option(name: .customLong("sleep-interval"), help: "Seconds between control-loop passes. [env: SLEEP_INTERVAL; default: 5]")
    var sleepInterval: String?
    @Option(name: .customLong("report-heartbeat"), help: "Re-publish the pod's forge report at least this often, in seconds. [env: REPORT_HEARTBEAT; default: 60]")
    var reportHeartbeat: String?
    @Option(name: .customLong("fence-file"), help: "File holding the fence deadline, shared with forge-reporter guard. [env: FENCE_FILE; default: /run/forge/fence]")
    var fenceFile: String?
    @Option(name: .customLong("node-metrics-url"), help: "cardano-node's Prometheus endpoint: its slot puts the KES periods on the clock; confirms an enable, and a disable on a graceful stop, when no node log is set (empty: off). [env: NODE_METRICS_URL; default: http://127.0.0.1:12798/metrics]")
    var nodeMetricsUrl: String?
    @Option(name: .customLong("shelley-genesis-file"), help: "The network's Shelley genesis: slotsPerKESPeriod, maxKESEvolutions and slotLength for the KES expiry of the credentials. [env: SHELLEY_GENESIS_FILE; default: unset (expiry unknown)]")
    var shelleyGenesisFile: String?
    @Option(name: .customLong("require-guard"), help: "true: install keys and campaign only while the guard's heartbeat is fresh. [env: REQUIRE_GUARD; default: true]")
    var requireGuard: String?
    @Option(name: .customLong("guard-heartbeat-file"), help: "The guard's heartbeat file (boot-time instant of its last tick). [env: GUARD_HEARTBEAT_FILE; default: guard-heartbeat beside FENCE_FILE]")
    var guardHeartbeatFile: String?
    @Option(name: .customLong("guard-staleness"), help: "Seconds after which the guard's heartbeat counts as stale. [env: GUARD_STALENESS; default: 5]")
    var guardStaleness: String?
    @Option(name: .customLong("cardano-network"), help: "Network name (mainnet, preprod, preview or custom): Lease and CardanoForgeCluster names, metric label. [env: CARDANO_NETWORK; default: unset]")
    var cardanoNetwork: String?
    @Option(name: .customLong("network-magic"), help: "Network magic; checked against CARDANO_NETWORK's known magic, otherwise unused. [env: NETWORK_MAGIC; default: the known network's magic]")
    var networkMagic: String?
    @Option(name: .customLong("pool-id"), help: "Pool id (pool1… or hex): Lease and CardanoForgeCluster names, metric label. [env: POOL_ID; default: unset]")
    var poolId: String?
    @Option(name: .customLong("pool-id-hex"), help: "56-character hex pool id; validated, otherwise unused. [env: POOL_ID_HEX; default: unset]")
    var poolIdHex: String?
    @Option(name: .customLong("pool-name"), help: "Accepted for compatibility and ignored (warned at start). [env: POOL_NAME; default: unset]")
    var poolName: String?
    @Option(name: .customLong("pool-ticker"), help: "Accepted for compatibility and ignored (warned at start). [env: POOL_TICKER; default: unset]")
    var poolTicker: String?
    @Option(name: .customLong("application-type"), help: "The `application` label of the forging metrics. [env: APPLICATION_TYPE; default: block-producer]")
    var applicationType: String?
    @Option(name: .customLong("enable-cluster-management"), help: "true: forge only while the region's CardanoForgeCluster status allows it (fail closed). [env: ENABLE_CLUSTER_MANAGEMENT; default: false]")
    var enableClusterManagement: String?
    @Option(name: .customLong("cluster-region"), help: "This pod's region: part of the CardanoForgeCluster name. [env: CLUSTER_REGION; default: unset]")
    var clusterRegion: String?
    @Option(name: .customLong("cluster-priority"), help: "Validated (1-999) and ignored: the CardanoForgeCluster's spec.priority counts. [env: CLUSTER_PRIORITY; default: 100]")
    var clusterPriority: String?
    @Option(name: .customLong("cluster-environment"), help: "Accepted for compatibility and ignored (warned at start). [env: CLUSTER_ENVIRONMENT; default: production]")
    var clusterEnvironment: String?
    @Option(name: .customLong("cluster-status-staleness"), help: "Seconds without a change of the status heartbeat after which the cluster permission counts as withdrawn. [env: CLUSTER_STATUS_STALENESS; default: 30]")
    var clusterStatusStaleness: String?
    @Option(name: .customLong("crd-group"), help: "API group of the CardanoForgeCluster. [env: CRD_GROUP; default: cardano.io]")
    var crdGroup: String?
    @Option(name: .customLong("crd-version"), help: "API version of the CardanoForgeCluster. [env: CRD_VERSION; default: v1]")
    var crdVersion: String?
    @Option(name: .customLong("crd-plural"), help: "Accepted for compatibility and ignored (the reporter writes no custom resource). [env: CRD_PLURAL; default: cardanoleaders]")
    var crdPlural: String?
    @Option(name: .customLong("crd-name"), help: "CardanoForgeCluster name when CARDANO_NETWORK, POOL_ID and CLUSTER_REGION do not derive one. [env: CRD_NAME; default: unset]")
    var crdName: String?
    @Option(name: .customLong("health-check-endpoint"), help: "Accepted for compatibility and ignored: health checks are the aggregator's (spec.healthCheck). [env: HEALTH_CHECK_ENDPOINT; default: unset]")
    var healthCheckEndpoint: String?
    @Option(name: .customLong("health-check-interval"), help: "Accepted for compatibility and ignored, like HEALTH_CHECK_ENDPOINT. [env: HEALTH_CHECK_INTERVAL; default: 30]")
    var healthCheckInterval: String?
    @Option(name: .customLong("metrics-port"), help: "Port of /metrics, /healthz (alias /health), /readyz, /startup-status. [env: METRICS_PORT; default: 8000]")
    var metricsPort: String?
    @Option(name: .customLong("allow-insecure-kubeconfig"), help: "true: accept a kubeconfig with an http:// server or insecure-skip-tls-verify (refused otherwise, exit 1). [env: ALLOW_INSECURE_KUBECONFIG; default: false]")
    var allowInsecureKubeconfig: String?
    @Option(name: .customLong("log-level"), help: "Log level: trace, debug, info, notice, warning (warn), error, critical (fatal); anything else is a configuration error. [env: LOG_LEVEL; default: info]")
    var logLevel: String?

    /// The flags given, keyed by environment variable name.
    var overrides: [String: String] {
        let all: [(String, String?)] = [
            ("NAMESPACE", namespace),
            ("POD_NAME", podName),
            ("POD_UID", podUID),
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
            ("RENEW_INTERVAL", renewInterval),
            ("SLEEP_INTERVAL", sleepInterval),
            ("REPORT_HEARTBEAT", reportHeartbeat),
            ("FENCE_FILE", fenceFile),
            ("NODE_METRICS_URL", nodeMetricsUrl),
            ("SHELLEY_GENESIS_FILE", shelleyGenesisFile),
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
