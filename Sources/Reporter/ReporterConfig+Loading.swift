import ForgeCLI
import ForgeCore
import ForgeNode
import FoundationEssentials
import Logging

extension ReporterConfig {
    /// The least time between the leader's fence (RENEW_DEADLINE after its last renew) and
    /// the moment others may acquire (LEASE_DURATION after it).
    static let minimumFenceGap: Duration = .seconds(2)

    /// RENEW_INTERVAL when unset (and the timings leave room for it): 12 Lease writes a
    /// minute instead of 30 at RETRY_PERIOD 2 s, and two attempts inside RENEW_DEADLINE 10 s.
    static let defaultRenewInterval: Duration = .seconds(5)

    /// REPORT_HEARTBEAT when unset: one report PATCH per pod per minute at rest. The
    /// aggregator's default gracePeriod (150 s = 2 × 60 s + 30 s) still tolerates one whole
    /// missed heartbeat, as 90 s did with 30 s (CardanoForgeClusterSpec.defaultGracePeriod).
    static let defaultReportHeartbeat: Double = 60

    /// Networks whose magic is fixed; a different NETWORK_MAGIC for one of them is an error.
    static let knownNetworkMagic: [String: Int] = ["mainnet": 764_824_073, "preprod": 1, "preview": 2]

    /// Reads and validates every setting. `settings` is the environment with flag values laid
    /// over it (flags win), keyed by environment variable name.
    static func load(settings: [String: String]) throws -> ReporterConfig {
        let r = SettingsReader(values: settings)

        guard let podName = r.string("POD_NAME") else {
            throw ConfigError(setting: "POD_NAME", value: nil,
                              problem: "required (set it from metadata.name with the downward API)")
        }
        let namespace = r.string("NAMESPACE", default: "default")
        try requireDNSSubdomain("POD_NAME", podName)
        let podUID = r.string("POD_UID")
        if let podUID {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
            guard podUID.count <= 128, podUID.allSatisfy({ allowed.contains($0) }) else {
                throw ConfigError(setting: "POD_UID", value: podUID,
                                  problem: "expected the pod's metadata.uid (letters, digits and '-', at most 128)")
            }
        }
        try requireDNSSubdomain("NAMESPACE", namespace)

        let network = r.string("CARDANO_NETWORK")?.lowercased()
        let poolId = r.string("POOL_ID")
        let networkMagic = try resolveMagic(network: network, reader: r)
        let poolIdHex = try r.string("POOL_ID_HEX").map { try validatePoolIdHex($0) }

        let leaseDuration = try r.wholeSeconds("LEASE_DURATION", default: 15)
        let renewDeadline = try r.seconds("RENEW_DEADLINE", default: 10)
        let retryPeriod = try r.seconds("RETRY_PERIOD", default: 2)
        if leaseDuration - renewDeadline < minimumFenceGap {
            throw ConfigError(
                setting: "RENEW_DEADLINE", value: r.string("RENEW_DEADLINE") ?? "10",
                problem: "must be at least \(minimumFenceGap.seconds) s less than LEASE_DURATION (\(leaseDuration.seconds) s): the leader fences RENEW_DEADLINE after its last renew, others may acquire LEASE_DURATION after it, and the gap covers the guard's tick, the SIGHUP and clock-rate drift")
        }
        if retryPeriod >= renewDeadline {
            throw ConfigError(
                setting: "RETRY_PERIOD", value: r.string("RETRY_PERIOD") ?? "2",
                problem: "must be less than RENEW_DEADLINE (\(renewDeadline.seconds) s)")
        }
        let renewInterval = try loadRenewInterval(r, renewDeadline: renewDeadline, retryPeriod: retryPeriod)

        let leaseName = r.string("LEASE_NAME") ?? ResourceNames.leaseName(network: network, poolId: poolId)
        try requireDNSSubdomain("LEASE_NAME", leaseName)

        let region = r.string("CLUSTER_REGION")
        let enableCluster = try r.bool("ENABLE_CLUSTER_MANAGEMENT", default: false)
        let crdName = r.string("CRD_NAME")
        let clusterName = ResourceNames.clusterName(network: network, poolId: poolId, region: region) ?? crdName
        if enableCluster, clusterName == nil {
            throw ConfigError(
                setting: "ENABLE_CLUSTER_MANAGEMENT", value: "true",
                problem: "needs CARDANO_NETWORK, POOL_ID and CLUSTER_REGION (or CRD_NAME) to find the CardanoForgeCluster")
        }

        let levelName = r.string("LOG_LEVEL", default: "info")
        guard let level = LogLevelSetting.parse(levelName) else {
            throw ConfigError(setting: "LOG_LEVEL", value: levelName,
                              problem: "expected \(LogLevelSetting.accepted)")
        }

        var config = ReporterConfig(
            namespace: namespace,
            podName: podName,
            podUID: podUID,
            nodeName: r.string("NODE_NAME"),
            kubeconfig: r.string("KUBECONFIG"),
            allowInsecureKubeconfig: try r.bool("ALLOW_INSECURE_KUBECONFIG", default: false),
            nodeSocket: r.string("NODE_SOCKET", default: "/ipc/node.socket"),
            socketWaitTimeout: try r.wholeSeconds("SOCKET_WAIT_TIMEOUT", default: 600, allowZero: true),
            disableSocketCheck: try r.bool("DISABLE_SOCKET_CHECK", default: false),
            nodeProcessName: r.string("CARDANO_NODE_PROCESS_NAME", default: "cardano-node"),
            nodeLogFile: r.string("NODE_LOG_FILE"),
            sourceKESKey: r.string("SOURCE_KES_KEY", default: "/secrets/kes.skey"),
            sourceVRFKey: r.string("SOURCE_VRF_KEY", default: "/secrets/vrf.skey"),
            sourceOpCert: r.string("SOURCE_OP_CERT", default: "/secrets/node.cert"),
            targetKESKey: r.string("TARGET_KES_KEY", default: "/opt/cardano/secrets/kes.skey"),
            targetVRFKey: r.string("TARGET_VRF_KEY", default: "/opt/cardano/secrets/vrf.skey"),
            targetOpCert: r.string("TARGET_OP_CERT", default: "/opt/cardano/secrets/node.cert"),
            leaseName: leaseName,
            leaseDuration: leaseDuration,
            renewDeadline: renewDeadline,
            retryPeriod: retryPeriod,
            renewInterval: renewInterval,
            sleepInterval: try r.seconds("SLEEP_INTERVAL", default: 5),
            reportHeartbeat: try r.seconds("REPORT_HEARTBEAT", default: defaultReportHeartbeat),
            fenceFile: r.string("FENCE_FILE", default: "/run/forge/fence"),
            network: network,
            networkMagic: networkMagic,
            poolId: poolId,
            poolIdHex: poolIdHex,
            poolName: r.string("POOL_NAME"),
            poolTicker: r.string("POOL_TICKER"),
            applicationType: r.string("APPLICATION_TYPE", default: "block-producer"),
            enableClusterManagement: enableCluster,
            clusterRegion: region,
            clusterPriority: try r.integer("CLUSTER_PRIORITY", default: 100, range: 1...999) ?? 100,
            clusterEnvironment: r.string("CLUSTER_ENVIRONMENT", default: "production"),
            clusterName: clusterName,
            clusterStatusStaleness: try r.seconds("CLUSTER_STATUS_STALENESS", default: 30),
            crdGroup: r.string("CRD_GROUP", default: "cardano.io"),
            crdVersion: r.string("CRD_VERSION", default: "v1"),
            crdPlural: r.string("CRD_PLURAL", default: "cardanoleaders"),
            crdName: crdName,
            healthCheckEndpoint: r.string("HEALTH_CHECK_ENDPOINT"),
            healthCheckInterval: try r.wholeSeconds("HEALTH_CHECK_INTERVAL", default: 30),
            metricsPort: UInt16(try r.integer("METRICS_PORT", default: 8000, range: 0...65535) ?? 8000),
            logLevel: level)
        if let url = r.values["NODE_METRICS_URL"] {
            config.nodeMetricsURL = url.trimmingBlanks().isEmpty ? nil : url
        }
        if let url = config.nodeMetricsURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ConfigError(setting: "NODE_METRICS_URL", value: url, problem: "must be an http:// or https:// URL")
        }
        config.requireGuard = try r.bool("REQUIRE_GUARD", default: true)
        config.guardHeartbeatFile = r.string(
            "GUARD_HEARTBEAT_FILE", default: GuardHeartbeat.path(besideFenceFile: config.fenceFile))
        config.guardStaleness = try r.seconds("GUARD_STALENESS", default: 5)
        config.shelleyGenesisFile = r.string("SHELLEY_GENESIS_FILE")
        return config
    }

    /// The leader's renew cadence. A renew that fails is retried every RETRY_PERIOD, and the
    /// retry must still start before the fence (RENEW_DEADLINE after the last success), so
    /// RENEW_INTERVAL + RETRY_PERIOD < RENEW_DEADLINE. Unset: 5 s, or less where shorter
    /// timings leave no room for it, RENEW_DEADLINE − 2 × RETRY_PERIOD (then a failed retry
    /// still has one more RETRY_PERIOD before the fence).
    private static func loadRenewInterval(_ r: SettingsReader, renewDeadline: Duration, retryPeriod: Duration) throws -> Duration {
        guard let raw = r.string("RENEW_INTERVAL") else {
            let room = renewDeadline - retryPeriod - retryPeriod
            guard room > .zero else {
                throw ConfigError(
                    setting: "RETRY_PERIOD", value: r.string("RETRY_PERIOD") ?? "2",
                    problem: "must be less than half of RENEW_DEADLINE (\(renewDeadline.seconds) s) unless RENEW_INTERVAL is set: the leader renews every RENEW_INTERVAL, retries a failed renew every RETRY_PERIOD, and needs a second attempt before it fences (RENEW_INTERVAL + RETRY_PERIOD < RENEW_DEADLINE)")
            }
            return min(defaultRenewInterval, room)
        }
        let interval = try r.seconds("RENEW_INTERVAL", default: defaultRenewInterval.seconds)
        if interval + retryPeriod >= renewDeadline {
            throw ConfigError(
                setting: "RENEW_INTERVAL", value: raw,
                problem: "RENEW_INTERVAL + RETRY_PERIOD (\(retryPeriod.seconds) s) must be less than RENEW_DEADLINE (\(renewDeadline.seconds) s): after a failed renew the leader retries every RETRY_PERIOD and needs a second attempt before it fences")
        }
        return interval
    }

    private static func resolveMagic(network: String?, reader r: SettingsReader) throws -> Int? {
        let magic = try r.integer("NETWORK_MAGIC", default: nil, range: 0...Int(UInt32.max))
        guard let network, let known = knownNetworkMagic[network] else { return magic }
        if let magic, magic != known {
            throw ConfigError(setting: "NETWORK_MAGIC", value: String(magic),
                              problem: "CARDANO_NETWORK=\(network) has magic \(known)")
        }
        return known
    }

    private static func validatePoolIdHex(_ raw: String) throws -> String {
        let hexDigits = Set("0123456789abcdef")
        let lowered = raw.lowercased()
        guard lowered.count == 56, lowered.allSatisfy({ hexDigits.contains($0) }) else {
            throw ConfigError(setting: "POOL_ID_HEX", value: raw,
                              problem: "expected 56 hexadecimal characters (a 28-byte pool key hash)")
        }
        return lowered
    }

    /// Object names go into API paths; reject anything Kubernetes would reject anyway, early
    /// and with the setting's name.
    private static func requireDNSSubdomain(_ setting: String, _ value: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.")
        let ok = value.count <= 253 && value.allSatisfy { allowed.contains($0) }
            && value.first.map { $0.isLetter || $0.isNumber } == true
            && value.last.map { $0.isLetter || $0.isNumber } == true
        if !ok {
            throw ConfigError(setting: setting, value: value,
                              problem: "must be a lower-case DNS-1123 name ([a-z0-9.-], alphanumeric at both ends)")
        }
    }
}
