import ForgeCore
import FoundationEssentials
import Prometheus

/// The aggregator's Prometheus metrics (ARCHITECTURE.md §9). Per-cluster series are removed
/// when their CardanoForgeCluster is deleted, so a scrape never shows a region that is gone.
final class AggregatorMetrics: @unchecked Sendable {
    let registry: PrometheusCollectorRegistry
    private let lock = Lock()
    private var perCluster: [String: [Gauge]] = [:]
    /// cluster -> peer -> that peer's gauges, so a peer that disappears loses its series.
    private var peerGauges: [String: [String: [Gauge]]] = [:]
    private let leaderGauge: Gauge

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        leaderGauge = registry.makeGauge(descriptor: Self.descriptor(
            "cardano_aggregator_leader", "1 while this replica holds the aggregators' lease and writes status"))
    }

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    func registerGauge(_ cluster: String, _ name: String, _ help: String, _ labels: [(String, String)]) -> Gauge {
        gauge(cluster, name, help, labels)
    }

    private func gauge(_ cluster: String, _ name: String, _ help: String, _ labels: [(String, String)]) -> Gauge {
        let gauge = registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
        lock.withLock {
            if !(perCluster[cluster]?.contains { $0 === gauge } ?? false) { perCluster[cluster, default: []].append(gauge) }
        }
        return gauge
    }

    /// Every per-cluster series carries these, so the chart's alert rules can group by pool
    /// (`network`, `pool_id`) and by `region` whichever metric they read.
    static func labels(of cluster: CardanoForgeCluster) -> [(String, String)] {
        let spec = cluster.spec
        return [("cluster", cluster.name), ("region", spec?.region ?? ""), ("network", spec?.network?.name ?? ""),
                ("pool_id", spec?.pool?.id ?? "")]
    }

    func update(cluster: CardanoForgeCluster, status: CardanoForgeClusterStatus, forgers: Int, leading: Bool) {
        let name = cluster.name
        let labels = Self.labels(of: cluster)
        // A standby replica shows what the writing replica published, so that only one
        // series per region claims forging across both replicas' scrapes.
        let enabled = leading ? status.forgingEnabled : cluster.status?.forgingEnabled
        gauge(name, "cardano_cluster_forge_enabled", "1 only for the region allowed to forge", labels)
            .set(to: enabled == true ? 1 : 0)
        gauge(name, "cardano_cluster_forge_priority", "Effective priority (base + health penalty; lower is better)", labels)
            .set(to: Double(status.effectivePriority ?? 0))
        gauge(name, "cardano_cluster_active_forgers", "Pods whose fresh report says forging is enabled (alert when > 1)", labels)
            .set(to: Double(forgers))
        gauge(name, "cardano_cluster_reporting_pods", "Pods of the region by report freshness", labels + [("fresh", "true")])
            .set(to: Double(status.freshPods ?? 0))
        gauge(name, "cardano_cluster_reporting_pods", "Pods of the region by report freshness", labels + [("fresh", "false")])
            .set(to: Double((status.totalPods ?? 0) - (status.freshPods ?? 0)))
        updateCredentials(cluster: name, labels: labels, summary: status.credentials)
    }

    func recordProbe(cluster: CardanoForgeCluster, success: Bool, consecutiveFailures: Int) {
        let labels = Self.labels(of: cluster)
        gauge(cluster.name, "cardano_cluster_health_check_success", "1 if the last health probe succeeded", labels)
            .set(to: success ? 1 : 0)
        gauge(cluster.name, "cardano_cluster_health_check_consecutive_failures", "Consecutive failed health probes", labels)
            .set(to: Double(consecutiveFailures))
    }

    /// Unregisters the per-peer gauges of peers no longer present.
    func replacePeerGauges(cluster: String, with current: [String: [Gauge]]) {
        let gone: [Gauge] = lock.withLock {
            let previous = peerGauges[cluster] ?? [:]
            peerGauges[cluster] = current
            let vanished = previous.filter { current[$0.key] == nil }.flatMap(\.value)
            perCluster[cluster]?.removeAll { gauge in vanished.contains { $0 === gauge } }
            return vanished
        }
        for gauge in gone { registry.unregisterGauge(gauge) }
    }

    func remove(cluster: String) {
        let gauges = lock.withLock {
            peerGauges.removeValue(forKey: cluster)
            return perCluster.removeValue(forKey: cluster) ?? []
        }
        for gauge in gauges { registry.unregisterGauge(gauge) }
    }

    func setLeading(_ leading: Bool) { leaderGauge.set(to: leading ? 1 : 0) }

    func countWrite(kind: String) {
        registry.makeCounter(descriptor: Self.descriptor("cardano_aggregator_status_writes_total", "Status patches sent"),
                             labels: [("kind", kind)]).increment()
    }

    /// Status patches refused as stale (409: the object moved on since the version they were
    /// computed from); the object is re-read and the decision made again.
    func countWriteConflict(kind: String) {
        registry.makeCounter(descriptor: Self.descriptor("cardano_aggregator_status_write_conflicts_total", "Status patches refused as stale (409) and recomputed"),
                             labels: [("kind", kind)]).increment()
    }

    func countWriteFailure(kind: String) {
        registry.makeCounter(descriptor: Self.descriptor("cardano_aggregator_status_write_failures_total", "Status patches that failed"),
                             labels: [("kind", kind)]).increment()
    }

    /// The leader stopped renewing the aggregator Lease because its writes were not current.
    func countStepDown() {
        registry.makeCounter(descriptor: Self.descriptor("cardano_aggregator_liveness_step_downs_total",
                                                         "Times this replica stopped renewing the aggregator Lease because its status writes were not current"),
                             labels: []).increment()
    }
}
