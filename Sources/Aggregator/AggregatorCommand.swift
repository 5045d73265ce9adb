import ArgumentParser
import Foundation
import Logging

/// `forge-aggregator`: turns the pods' forge reports and the CardanoForgeCluster specs into
/// CardanoForgeCluster and CardanoLeader status, and decides which region may forge.
/// Every flag has an environment variable; a flag wins over its variable.
@main
struct AggregatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forge-aggregator",
        abstract: "Aggregates forge reports into CardanoForgeCluster status and decides which region may forge.")

    @Option(help: "Namespace of the CardanoForgeClusters and pods (env NAMESPACE).")
    var namespace: String?
    @Option(name: .customLong("pod-name"), help: "Identity in the aggregators' own election (env POD_NAME).")
    var podName: String?
    @Option(help: "This aggregator's region: it owns every CR whose spec.region matches (env CLUSTER_REGION).")
    var region: String?
    @Option(name: .customLong("metrics-port"), help: "Port of /metrics, /healthz, /readyz (env METRICS_PORT, default 8080).")
    var metricsPort: Int?
    @Option(name: .customLong("metrics-host"), help: "Address to bind the HTTP server to.")
    var metricsHost: String = "0.0.0.0"
    @Option(help: "Kubeconfig of this region's API server (env KUBECONFIG; default in-cluster).")
    var kubeconfig: String?
    @Option(name: .customLong("peer-kubeconfig"), help: "Kubeconfig of a peer region's API server, read only (repeatable).")
    var peerKubeconfigs: [String] = []
    @Flag(name: .customLong("allow-insecure-peers"), help: "Accept --peer-kubeconfig files with an http:// server or insecure-skip-tls-verify (refused otherwise: a peer's answer decides whether this region forges).")
    var allowInsecurePeers = false
    @Flag(name: .customLong("allow-insecure-kubeconfig"), help: "Accept a --kubeconfig/KUBECONFIG with an http:// server or insecure-skip-tls-verify (refused otherwise).")
    var allowInsecureKubeconfig = false
    @Option(name: .customLong("peer-namespace"), help: "Namespace of the CardanoForgeClusters behind --peer-kubeconfig (default: --namespace).")
    var peerNamespace: String?
    @Option(name: .customLong("pod-selector"), help: "Label selector for the pod watch (env POD_SELECTOR); each CR's podSelector applies on top.")
    var podSelector: String?
    @Option(name: .customLong("heartbeat-interval"), help: "Period of the status heartbeat counter (default 10s).")
    var heartbeatInterval: String?
    @Option(name: .customLong("peer-timeout"), help: "A peer whose heartbeat has not changed for this long is considered gone (default 60s).")
    var peerTimeout: String?
    @Option(name: .customLong("peer-lease-duration"), help: "The reporters' LEASE_DURATION in peer regions, for validating --peer-timeout (default 15s).")
    var peerLeaseDuration: String?
    @Option(name: .customLong("peer-status-staleness"), help: "The reporters' CLUSTER_STATUS_STALENESS in peer regions, for validating --peer-timeout (default 30s).")
    var peerStatusStaleness: String?
    @Option(name: .customLong("peer-sleep-interval"), help: "The reporters' SLEEP_INTERVAL in peer regions, for validating --peer-timeout (default 5s).")
    var peerSleepInterval: String?
    @Option(name: .customLong("fence-margin"), help: "Margin added to the peers' fence time that --peer-timeout must exceed (default 2 heartbeats).")
    var fenceMargin: String?
    @Option(help: "How long a region must be the undisputed candidate before it turns forging on while peers are live (default 2 heartbeats).")
    var settle: String?
    @Option(name: .customLong("healthy-after"), help: "Consecutive successful probes before an unhealthy region is healthy again (default 1).")
    var healthyAfter: Int?
    @Option(name: .customLong("lease-name"), help: "Lease of the aggregators' own election (default forge-aggregator-<region>).")
    var leaseName: String?
    @Option(name: .customLong("lease-duration")) var leaseDuration: String?
    @Option(name: .customLong("renew-deadline")) var renewDeadline: String?
    @Option(name: .customLong("retry-period")) var retryPeriod: String?
    @Option(name: .customLong("crd-name"), help: "Name of the CardanoLeader in legacy single-pool installs (env CRD_NAME).")
    var crdName: String?
    @Option(name: .customLong("kube-qps"), help: "Requests per second to the API server (default 20).")
    var kubeQPS: Double?
    @Option(name: .customLong("kube-burst"), help: "Burst of requests to the API server (default 40).")
    var kubeBurst: Int?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (env LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let config: AggregatorConfig
        do {
            config = try AggregatorConfig.resolve(inputs, environment: environment)
        } catch let error as AggregatorConfig.Error {
            throw ValidationError(error.description)
        }
        let levelText = (logLevel ?? environment["LOG_LEVEL"] ?? "info").lowercased()
        let level = Logger.Level(rawValue: levelText == "warn" ? "warning" : levelText) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let runtime = try AggregatorRuntime(config: config, logger: Logger(label: "forge-aggregator"))
        try await runtime.run()
    }

    var inputs: AggregatorConfig.Inputs {
        AggregatorConfig.Inputs(
            namespace: namespace, podName: podName, region: region, metricsPort: metricsPort,
            metricsHost: metricsHost, kubeconfig: kubeconfig, peerKubeconfigs: peerKubeconfigs, peerNamespace: peerNamespace,
            podSelector: podSelector, heartbeatInterval: heartbeatInterval, peerTimeout: peerTimeout,
            peerLeaseDuration: peerLeaseDuration, peerStatusStaleness: peerStatusStaleness,
            peerSleepInterval: peerSleepInterval, fenceMargin: fenceMargin, settle: settle,
            healthyAfter: healthyAfter, leaseName: leaseName, leaseDuration: leaseDuration,
            renewDeadline: renewDeadline, retryPeriod: retryPeriod, crdName: crdName,
            kubeQPS: kubeQPS, kubeBurst: kubeBurst,
            allowInsecurePeers: allowInsecurePeers, allowInsecureKubeconfig: allowInsecureKubeconfig)
    }
}
