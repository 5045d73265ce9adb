import ArgumentParser
import ForgeCLI
import FoundationEssentials
import Logging

/// `forge-aggregator`: turns the pods' forge reports and the CardanoForgeCluster specs into
/// CardanoForgeCluster and CardanoLeader status, and decides which region may forge.
/// Every flag has an environment variable (named in its help); a flag wins over its variable.
/// Logging, LOG_LEVEL and exit codes follow forge-reporter's (`ForgeCLI`).
@main
struct AggregatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forge-aggregator",
        abstract: "Aggregates forge reports into CardanoForgeCluster status and decides which region may forge.",
        discussion: """
            Every option is also an environment variable (shown with each option); a flag wins \
            over its variable, an empty variable counts as unset. Durations take a unit \
            (10s, 1m30s). Logs are JSON lines on stderr. Exit codes: 0 clean stop, 1 runtime \
            error, 2 configuration error, 64 command-line usage error.
            """,
        version: ForgeVersion.current)

    @Option(help: "Namespace of the CardanoForgeClusters and pods. [env: NAMESPACE; default: required]")
    var namespace: String?
    @Option(name: .customLong("pod-name"), help: "Identity in the aggregators' own election. [env: POD_NAME; default: the host name]")
    var podName: String?
    @Option(help: "This aggregator's region: it owns every CardanoForgeCluster whose spec.region matches. [env: CLUSTER_REGION; default: required]")
    var region: String?
    @Option(name: .customLong("metrics-port"), help: "Port of /metrics, /healthz (alias /health), /readyz. [env: METRICS_PORT; default: 8080]")
    var metricsPort: Int?
    @Option(name: .customLong("metrics-host"), help: "Address the HTTP server binds to. [env: METRICS_HOST; default: 0.0.0.0]")
    var metricsHost: String?
    @Option(help: "Kubeconfig of this region's API server. [env: KUBECONFIG; default: in-cluster service account]")
    var kubeconfig: String?
    @Option(name: .customLong("peer-kubeconfig"), help: "Kubeconfig of a peer region's API server, read only; repeatable. [env: PEER_KUBECONFIGS, comma-separated; default: none]")
    var peerKubeconfigs: [String] = []
    @Flag(name: .customLong("allow-insecure-peers"), help: "Accept --peer-kubeconfig files with an http:// server or insecure-skip-tls-verify (refused otherwise: a peer's answer decides whether this region forges). [env: ALLOW_INSECURE_PEERS; default: false]")
    var allowInsecurePeers = false
    @Flag(name: .customLong("allow-insecure-kubeconfig"), help: "Accept a --kubeconfig/KUBECONFIG with an http:// server or insecure-skip-tls-verify (refused otherwise). [env: ALLOW_INSECURE_KUBECONFIG; default: false]")
    var allowInsecureKubeconfig = false
    @Option(name: .customLong("peer-namespace"), help: "Namespace of the CardanoForgeClusters behind --peer-kubeconfig. [env: PEER_NAMESPACE; default: --namespace]")
    var peerNamespace: String?
    @Option(name: .customLong("pod-selector"), help: "Label selector for the pod watch; each CardanoForgeCluster's podSelector applies on top. [env: POD_SELECTOR; default: all pods]")
    var podSelector: String?
    @Option(name: .customLong("heartbeat-interval"), help: "Base period: the recompute tick is half of it (at most 1s) and --settle and --fence-margin default to twice it. Status is written only when it changes. [env: HEARTBEAT_INTERVAL; default: 10s]")
    var heartbeatInterval: String?
    @Option(name: .customLong("peer-timeout"), help: "A peer region whose aggregator Lease has not been renewed for this long is considered gone; must exceed the peers' fence time. [env: PEER_TIMEOUT; default: 60s]")
    var peerTimeout: String?
    @Option(name: .customLong("peer-lease-duration"), help: "The reporters' LEASE_DURATION in peer regions, for validating --peer-timeout. [env: PEER_LEASE_DURATION; default: 15s]")
    var peerLeaseDuration: String?
    @Option(name: .customLong("peer-status-staleness"), help: "The reporters' CLUSTER_STATUS_STALENESS in peer regions, for validating --peer-timeout. [env: PEER_STATUS_STALENESS; default: 30s]")
    var peerStatusStaleness: String?
    @Option(name: .customLong("peer-sleep-interval"), help: "The reporters' SLEEP_INTERVAL in peer regions, for validating --peer-timeout. [env: PEER_SLEEP_INTERVAL; default: 5s]")
    var peerSleepInterval: String?
    @Option(name: .customLong("fence-margin"), help: "Margin added to the peers' fence time that --peer-timeout must exceed. [env: FENCE_MARGIN; default: 2 x --heartbeat-interval]")
    var fenceMargin: String?
    @Option(help: "How long a region must be the undisputed candidate before it turns forging on while peers are live. [env: SETTLE; default: 2 x --heartbeat-interval]")
    var settle: String?
    @Option(name: .customLong("write-staleness"), help: "The writing replica stops renewing the aggregator Lease (its region's liveness) while a status write it owes is older than this (4x while other writes keep succeeding), and stays away for --peer-timeout. [env: WRITE_STALENESS; default: 30s]")
    var writeStaleness: String?
    @Option(name: .customLong("healthy-after"), help: "Consecutive successful probes before an unhealthy region is healthy again. [env: HEALTHY_AFTER; default: 1]")
    var healthyAfter: Int?
    @Option(name: .customLong("lease-name"), help: "Lease of the aggregators' own election (not a pool's). [env: AGGREGATOR_LEASE_NAME; default: forge-aggregator-<region>]")
    var leaseName: String?
    @Option(name: .customLong("lease-duration"), help: "Lease duration of the aggregators' own election. [env: AGGREGATOR_LEASE_DURATION; default: 15s]")
    var leaseDuration: String?
    @Option(name: .customLong("renew-deadline"), help: "The writing replica steps down when it could not renew for this long (< --lease-duration). [env: AGGREGATOR_RENEW_DEADLINE; default: 10s]")
    var renewDeadline: String?
    @Option(name: .customLong("retry-period"), help: "Period of election attempts and renewals (< --renew-deadline). [env: AGGREGATOR_RETRY_PERIOD; default: 2s]")
    var retryPeriod: String?
    @Option(name: .customLong("crd-name"), help: "Name of the CardanoLeader in legacy single-pool installs. [env: CRD_NAME; default: none]")
    var crdName: String?
    @Option(name: .customLong("kube-qps"), help: "Requests per second to the API server. [env: KUBE_QPS; default: 50]")
    var kubeQPS: Double?
    @Option(name: .customLong("kube-burst"), help: "Burst of requests to the API server. [env: KUBE_BURST; default: 100]")
    var kubeBurst: Int?
    @Option(name: .customLong("log-level"), help: "Log level: \(LogLevelSetting.accepted); anything else is a configuration error. [env: LOG_LEVEL; default: info]")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let config: AggregatorConfig
        let level: Logger.Level
        do {
            config = try AggregatorConfig.resolve(try inputs(environment: environment), environment: environment)
            level = try Self.logLevel(flag: logLevel, environment: environment)
        } catch {
            ProcessExit.reportConfigurationError(program: "forge-aggregator", "\(error)")
            throw ExitCode(ProcessExit.configurationError)
        }
        JSONLogHandler.bootstrap(level: level)
        let logger = Logger(label: "forge-aggregator")
        do {
            let runtime = try AggregatorRuntime(config: config, logger: logger)
            if let allocator = Allocator.current() {
                logger.info("allocator: \(allocator)")
            } else {
                logger.warning("allocator: not jemalloc (libjemalloc was not linked or not loaded first); memory use at scale will be higher")
            }
            try await runtime.run()
        } catch {
            logger.critical("stopped by a runtime error: \(error)")
            ProcessExit.writeError("forge-aggregator: \(error)")
            throw ExitCode(ProcessExit.runtimeError)
        }
    }

    static func logLevel(flag: String?, environment: [String: String]) throws -> Logger.Level {
        let text = AggregatorEnvironment.value(flag, "LOG_LEVEL", environment) ?? "info"
        guard let level = LogLevelSetting.parse(text) else {
            throw AggregatorConfig.Error(description: "LOG_LEVEL (or --log-level): expected \(LogLevelSetting.accepted) (got \(text))")
        }
        return level
    }

    /// The flags, each falling back to its environment variable. NAMESPACE, POD_NAME,
    /// CLUSTER_REGION, METRICS_PORT, POD_SELECTOR, AGGREGATOR_LEASE_NAME and CRD_NAME are read
    /// by `AggregatorConfig.resolve` itself.
    func inputs(environment env: [String: String]) throws -> AggregatorConfig.Inputs {
        let e = AggregatorEnvironment(env: env)
        var inputs = AggregatorConfig.Inputs(
            namespace: namespace, podName: podName, region: region, metricsPort: metricsPort,
            kubeconfig: kubeconfig,
            peerKubeconfigs: peerKubeconfigs.isEmpty ? e.list("PEER_KUBECONFIGS") : peerKubeconfigs,
            peerNamespace: peerNamespace ?? e.string("PEER_NAMESPACE"),
            podSelector: podSelector,
            heartbeatInterval: heartbeatInterval ?? e.string("HEARTBEAT_INTERVAL"),
            peerTimeout: peerTimeout ?? e.string("PEER_TIMEOUT"),
            peerLeaseDuration: peerLeaseDuration ?? e.string("PEER_LEASE_DURATION"),
            peerStatusStaleness: peerStatusStaleness ?? e.string("PEER_STATUS_STALENESS"),
            peerSleepInterval: peerSleepInterval ?? e.string("PEER_SLEEP_INTERVAL"),
            fenceMargin: fenceMargin ?? e.string("FENCE_MARGIN"),
            settle: settle ?? e.string("SETTLE"),
            writeStaleness: writeStaleness ?? e.string("WRITE_STALENESS"),
            healthyAfter: try healthyAfter ?? e.integer("HEALTHY_AFTER"),
            leaseName: leaseName,
            leaseDuration: leaseDuration ?? e.string("AGGREGATOR_LEASE_DURATION"),
            renewDeadline: renewDeadline ?? e.string("AGGREGATOR_RENEW_DEADLINE"),
            retryPeriod: retryPeriod ?? e.string("AGGREGATOR_RETRY_PERIOD"),
            crdName: crdName,
            kubeQPS: try kubeQPS ?? e.number("KUBE_QPS"),
            kubeBurst: try kubeBurst ?? e.integer("KUBE_BURST"))
        inputs.metricsHost = metricsHost ?? e.string("METRICS_HOST") ?? "0.0.0.0"
        inputs.allowInsecurePeers = try allowInsecurePeers || e.bool("ALLOW_INSECURE_PEERS")
        inputs.allowInsecureKubeconfig = try allowInsecureKubeconfig || e.bool("ALLOW_INSECURE_KUBECONFIG")
        return inputs
    }
}

/// Typed reads of the aggregator's environment variables; empty counts as unset, a value that
/// does not parse is a configuration error naming the variable.
struct AggregatorEnvironment {
    let env: [String: String]

    static func value(_ flag: String?, _ key: String, _ env: [String: String]) -> String? {
        if let flag, !flag.isEmpty { return flag }
        return AggregatorEnvironment(env: env).string(key)
    }

    func string(_ key: String) -> String? {
        guard let raw = env[key]?.trimmingBlanks(), !raw.isEmpty else { return nil }
        return raw
    }

    func list(_ key: String) -> [String] {
        (string(key) ?? "").split(separator: ",").map { $0.trimmingBlanks() }.filter { !$0.isEmpty }
    }

    func bool(_ key: String) throws -> Bool {
        guard let raw = string(key) else { return false }
        switch raw.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw AggregatorConfig.Error(description: "\(key): expected true or false (got \(raw))")
        }
    }

    func integer(_ key: String) throws -> Int? {
        guard let raw = string(key) else { return nil }
        guard let value = Int(raw) else { throw AggregatorConfig.Error(description: "\(key): expected a whole number (got \(raw))") }
        return value
    }

    func number(_ key: String) throws -> Double? {
        guard let raw = string(key) else { return nil }
        guard let value = Double(raw), value.isFinite else { throw AggregatorConfig.Error(description: "\(key): expected a number (got \(raw))") }
        return value
    }
}
