import ForgeCore
import FoundationEssentials

/// The aggregator's validated settings. Built from flags and environment by
/// `AggregatorConfig.resolve`, which names the offending setting on any error.
struct AggregatorConfig: Sendable, Equatable {
    var namespace: String
    /// Election identity (the pod name in a cluster).
    var identity: String
    /// This aggregator owns every CardanoForgeCluster in `namespace` whose spec.region is this.
    var region: String
    var metricsPort: Int
    var metricsHost: String
    var kubeconfig: String?
    var peerKubeconfigs: [String]
    /// Namespace of the CardanoForgeClusters on the peers' API servers (default: ours, as
    /// every region is installed alike; a kubeconfig's context namespace is not used).
    var peerNamespace: String?
    /// Server-side label selector for the pod watch (each CR's podSelector applies on top).
    var podSelector: String?
    var heartbeatInterval: Duration
    var peerTimeout: Duration
    /// The longest time a peer region's reporters may keep forging after their status stops
    /// changing: a reporter whose aggregator went silent forges on until its permission goes
    /// stale (CLUSTER_STATUS_STALENESS, noticed within a SLEEP_INTERVAL); one cut off from its
    /// API server fences within its lease duration. The longer of the two, plus a margin for
    /// watch latency and clock-rate drift. `peerTimeout` must exceed it.
    var peerFenceTime: Duration
    var settle: Duration
    /// The leader renews the aggregator Lease (vouches for its region) only while no owed
    /// status write is older than this.
    var writeStaleness: Duration = .seconds(30)
    var healthyAfter: Int
    var leaseName: String
    var leaseDuration: Duration
    var renewDeadline: Duration
    var retryPeriod: Duration
    /// Client-side rate limit towards our API server (status writes of many pools).
    var kubeQPS: Double
    var kubeBurst: Int
    /// Legacy single-tenant installs name their CardanoLeader with CRD_NAME.
    var leaderResourceName: String?
    /// Accept peer kubeconfigs / our own kubeconfig without verified TLS (plain http:// or
    /// insecure-skip-tls-verify). Off: such a kubeconfig is refused at start.
    var allowInsecurePeers: Bool = false
    var allowInsecureKubeconfig: Bool = false
    /// How often the status is recomputed without an event (staleness, settle, peers).
    var tick: Duration { min(.seconds(1), heartbeatInterval / 2) }

    struct Error: Swift.Error, CustomStringConvertible, Equatable {
        let description: String
    }

    /// Raw values as given on the command line (nil: not given) and in the environment.
    struct Inputs {
        var namespace: String?
        var podName: String?
        var region: String?
        var metricsPort: Int?
        var metricsHost: String = "0.0.0.0"
        var kubeconfig: String?
        var peerKubeconfigs: [String] = []
        var peerNamespace: String?
        var podSelector: String?
        var heartbeatInterval: String?
        var peerTimeout: String?
        var peerLeaseDuration: String?
        var peerStatusStaleness: String?
        var peerSleepInterval: String?
        var fenceMargin: String?
        var settle: String?
        var writeStaleness: String?
        var healthyAfter: Int?
        var leaseName: String?
        var leaseDuration: String?
        var renewDeadline: String?
        var retryPeriod: String?
        var crdName: String?
        var kubeQPS: Double?
        var kubeBurst: Int?
        var allowInsecurePeers = false
        var allowInsecureKubeconfig = false
    }

    static func resolve(_ flags: Inputs, environment env: [String: String]) throws -> AggregatorConfig {
        func value(_ flag: String?, _ key: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let fromEnv = env[key], !fromEnv.isEmpty { return fromEnv }
            return nil
        }
        func duration(_ text: String?, _ name: String, default fallback: Duration) throws -> Duration {
            guard let text else { return fallback }
            do {
                let parsed = try KubeDuration.parse(text)
                guard parsed > .zero else { throw Error(description: "\(name) must be greater than 0 (got \(text))") }
                return parsed
            } catch let error as KubeDuration.ParseError {
                throw Error(description: "\(name): \(error)")
            }
        }
        guard let namespace = value(flags.namespace, "NAMESPACE") else {
            throw Error(description: "NAMESPACE (or --namespace) is required: the namespace of the CardanoForgeClusters")
        }
        guard let region = value(flags.region, "CLUSTER_REGION") else {
            throw Error(description: "CLUSTER_REGION (or --region) is required: this aggregator owns the CardanoForgeClusters of that region")
        }
        let identity = value(flags.podName, "POD_NAME") ?? ProcessInfo.processInfo.hostName
        let portText = flags.metricsPort.map(String.init) ?? value(nil, "METRICS_PORT") ?? "8080"
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw Error(description: "METRICS_PORT must be a port number 0-65535 (got \(portText))")
        }
        let heartbeat = try duration(flags.heartbeatInterval, "--heartbeat-interval", default: .seconds(10))
        let peerTimeout = try duration(flags.peerTimeout, "--peer-timeout", default: .seconds(60))
        let peerLease = try duration(flags.peerLeaseDuration, "--peer-lease-duration", default: .seconds(15))
        let peerStaleness = try duration(flags.peerStatusStaleness, "--peer-status-staleness", default: .seconds(30))
        let peerSleep = try duration(flags.peerSleepInterval, "--peer-sleep-interval", default: .seconds(5))
        let margin = try duration(flags.fenceMargin, "--fence-margin", default: heartbeat * 2)
        let fenceTime = max(peerLease, peerStaleness + peerSleep) + margin
        guard peerTimeout > fenceTime else {
            throw Error(description: "--peer-timeout (\(KubeDuration.format(peerTimeout))) must exceed the peers' fence time: max(--peer-lease-duration \(KubeDuration.format(peerLease)), --peer-status-staleness \(KubeDuration.format(peerStaleness)) + --peer-sleep-interval \(KubeDuration.format(peerSleep))) + --fence-margin \(KubeDuration.format(margin)) = \(KubeDuration.format(fenceTime)); otherwise a region could start forging while a silent peer still forges")
        }
        let settle = try duration(flags.settle, "--settle", default: heartbeat * 2)
        let writeStaleness = try duration(flags.writeStaleness, "--write-staleness", default: .seconds(30))
        let healthyAfter = flags.healthyAfter ?? 1
        guard healthyAfter >= 1 else { throw Error(description: "--healthy-after must be at least 1 (got \(healthyAfter))") }
        let leaseDuration = try duration(flags.leaseDuration, "--lease-duration", default: .seconds(15))
        let renewDeadline = try duration(flags.renewDeadline, "--renew-deadline", default: .seconds(10))
        let retryPeriod = try duration(flags.retryPeriod, "--retry-period", default: .seconds(2))
        guard renewDeadline < leaseDuration, retryPeriod < renewDeadline else {
            throw Error(description: "lease timings must satisfy --retry-period < --renew-deadline < --lease-duration")
        }
        var selector = value(flags.podSelector, "POD_SELECTOR")
        if let text = selector {
            do { _ = try LabelSelector.parse(text) } catch {
                throw Error(description: "--pod-selector: \(error)")
            }
        } else {
            selector = nil
        }
        // 1 000 pools: a start or takeover writes every pool's status, which should be stored
        // within --write-staleness (30 s) while this replica vouches: 20 s at 50/s
        // (docs/CONFIGURATION.md has the arithmetic). kube-scheduler's defaults, too.
        let qps = flags.kubeQPS ?? 50
        let burst = flags.kubeBurst ?? 100
        guard qps > 0, burst >= 1 else { throw Error(description: "--kube-qps must be > 0 and --kube-burst >= 1") }
        let leaseName = value(flags.leaseName, "AGGREGATOR_LEASE_NAME") ?? ResourceNames.dnsLabel("forge-aggregator-\(region)")
        return AggregatorConfig(
            namespace: namespace, identity: identity, region: region, metricsPort: port,
            metricsHost: flags.metricsHost, kubeconfig: flags.kubeconfig, peerKubeconfigs: flags.peerKubeconfigs, peerNamespace: flags.peerNamespace,
            podSelector: selector, heartbeatInterval: heartbeat, peerTimeout: peerTimeout, peerFenceTime: fenceTime,
            settle: settle, writeStaleness: writeStaleness, healthyAfter: healthyAfter, leaseName: leaseName, leaseDuration: leaseDuration,
            renewDeadline: renewDeadline, retryPeriod: retryPeriod, kubeQPS: qps, kubeBurst: burst,
            leaderResourceName: value(flags.crdName, "CRD_NAME"),
            allowInsecurePeers: flags.allowInsecurePeers, allowInsecureKubeconfig: flags.allowInsecureKubeconfig)
    }
}
