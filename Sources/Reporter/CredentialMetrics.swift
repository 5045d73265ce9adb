import ForgeCore
import FoundationEssentials
import Prometheus

/// The reporter's credential series (docs/OPERATIONS.md "Credentials"): what this pod's Secret
/// holds. -1 means unknown (no genesis file, node metrics unreachable, unreadable certificate).
final class CredentialMetrics: Sendable {
    private let periodsRemaining: Gauge
    private let expiry: Gauge
    private let counter: Gauge
    private let canForge: Gauge

    init(registry: PrometheusCollectorRegistry, config: ReporterConfig) {
        let labels = [
            ("pod", config.podName), ("network", config.network ?? ""),
            ("pool_id", config.poolId ?? ""), ("application", config.applicationType),
        ]
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
        }
        periodsRemaining = gauge("cardano_kes_periods_remaining",
                                 "KES periods the source certificate can still forge in, counting the current one (-1 unknown)")
        expiry = gauge("cardano_kes_expiry_timestamp_seconds",
                       "Estimated Unix time at which the source KES key stops forging (-1 unknown)")
        counter = gauge("cardano_opcert_issue_counter", "Issue counter of the source operational certificate (-1 unreadable)")
        canForge = gauge("cardano_credentials_can_forge",
                         "1 usable, 0 definitely cannot forge (this pod does not campaign), -1 unknown")
        update(nil)
    }

    func update(_ inspection: CredentialInspection?) {
        periodsRemaining.set(to: inspection?.kesPeriodsRemaining.map(Double.init) ?? -1)
        expiry.set(to: inspection?.kesExpiresAt.flatMap(RFC3339.parse).map(\.timeIntervalSince1970) ?? -1)
        counter.set(to: inspection?.issueCounter.map(Double.init) ?? -1)
        switch inspection?.verdict {
        case .usable?: canForge.set(to: 1)
        case .cannotForge?: canForge.set(to: 0)
        case .unknown?, nil: canForge.set(to: -1)
        }
    }
}
