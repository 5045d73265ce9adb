import ForgeCLI
import FoundationEssentials
import Prometheus

/// The reporter's Prometheus series (ARCHITECTURE.md §9), with the predecessor's names and
/// labels so existing dashboards and alerts keep working.
final class ReporterMetrics: Sendable {
    static let version = ForgeVersion.current

    let registry: PrometheusCollectorRegistry
    private let forgingEnabled: Gauge
    private let leaderStatus: Gauge
    private let leadershipChanges: Counter
    private let leaseRenewFailures: Counter
    private let fenceEvents: Counter
    private let guardAlive: Gauge

    init(registry: PrometheusCollectorRegistry, config: ReporterConfig) {
        self.registry = registry
        let labels = [
            ("pod", config.podName), ("network", config.network ?? ""),
            ("pool_id", config.poolId ?? ""), ("application", config.applicationType),
        ]
        forgingEnabled = Self.gauge(registry, "cardano_forging_enabled", labels: labels,
            help: "1 while this pod's cardano-node has forging credentials installed and reloaded")
        leaderStatus = Self.gauge(registry, "cardano_leader_status", labels: labels, help: "1 while this pod holds the Lease")
        leadershipChanges = Self.counter(registry, "cardano_leadership_changes_total", help: "Times this pod gained or lost the Lease")
        leaseRenewFailures = Self.counter(registry, "cardano_lease_renew_failures_total",
            help: "Times this pod lost the Lease it held (renewals failed, or fenced)")
        fenceEvents = Self.counter(registry, "cardano_fence_events_total",
            help: "Times the keys were removed because the fence deadline passed")
        guardAlive = Self.gauge(registry, "cardano_forge_guard_alive", labels: labels,
            help: "1 while the guard's heartbeat is fresh (GUARD_STALENESS); 0: no keys, no campaigning")
        let info = Self.gauge(registry, "cardano_forge_manager_info",
            labels: [
                ("pod_name", config.podName), ("namespace", config.namespace),
                ("version", Self.version), ("network", config.network ?? ""),
                ("pool_id", config.poolId ?? ""), ("region", config.clusterRegion ?? ""),
                ("lease_name", config.leaseName),
                ("cluster_management", config.enableClusterManagement ? "true" : "false"),
            ],
            help: "Static information about this forge-reporter")
        info.set(to: 1.0)
        forgingEnabled.set(to: 0.0)
        leaderStatus.set(to: 0.0)
    }

    private static func gauge(
        _ registry: PrometheusCollectorRegistry, _ name: String, labels: [(String, String)] = [], help: String
    ) -> Gauge {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }

    /// `name` ends in `_total`, as Prometheus counters do; the descriptor wants it as the unit.
    private static func counter(
        _ registry: PrometheusCollectorRegistry, _ name: String, labels: [(String, String)] = [], help: String
    ) -> Counter {
        let base = name.hasSuffix("_total") ? String(name.dropLast(6)) : name
        return registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: base, unitName: "total", helpText: help), labels: labels)
    }

    func setForging(_ on: Bool) { forgingEnabled.set(to: on ? 1.0 : 0.0) }
    func setLeader(_ on: Bool) { leaderStatus.set(to: on ? 1.0 : 0.0) }
    func leadershipChanged() { leadershipChanges.increment() }
    func renewFailed() { leaseRenewFailures.increment() }
    func fenced() { fenceEvents.increment() }
    func setGuardAlive(_ alive: Bool) { guardAlive.set(to: alive ? 1.0 : 0.0) }

    func sighup(reason: String) {
        Self.counter(registry, "cardano_sighup_signals_total", labels: [("reason", reason)],
            help: "SIGHUP signals sent to cardano-node").increment()
    }

    func credentialOperation(_ operation: String, file: String) {
        Self.counter(registry, "cardano_credential_operations_total",
            labels: [("operation", operation), ("file", file)],
            help: "Credential file operations").increment()
    }
}
