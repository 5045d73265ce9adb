import ForgeCore
import FoundationEssentials
import KubeClient
import Logging

/// What to probe for one CardanoForgeCluster, from `spec.healthCheck` (checked and bounded
/// by `HealthCheckSettings`). A change of any field restarts that cluster's probe loop (and
/// results of the old settings are dropped).
struct HealthProbeTarget: Equatable, Sendable {
    var settings: HealthCheckSettings

    var endpoint: String { settings.endpoint }
    var headers: [String: String] { settings.headers }
    var interval: Duration { settings.interval }
    var timeout: Duration { settings.timeout }
    var failureThreshold: Int { settings.failureThreshold }
    var healthyAfter: Int? { settings.healthyAfter }

    /// nil when the health check is disabled or has no endpoint.
    init?(cluster: CardanoForgeCluster) {
        guard let settings = HealthCheckSettings(cluster.spec?.healthCheck) else { return nil }
        self.settings = settings
    }

    /// One probe; a check that cannot be sent as configured fails with its reason, unsent.
    func probe() async -> HTTPProbeResult {
        if let invalid = settings.invalid {
            return HTTPProbeResult(status: nil, body: Data(), responseTime: .zero, error: invalid)
        }
        return await HTTPProbe.get(url: endpoint, headers: headers, timeout: timeout)
    }
}

/// Runs one probe loop per owned cluster with an enabled health check and feeds the results
/// to the engine. `reconcile` starts, restarts and stops loops to match the specs.
actor HealthProbeScheduler {
    private var running: [String: (target: HealthProbeTarget, task: Task<Void, Never>)] = [:]
    private let engine: AggregatorEngine
    private let logger: Logger
    private let wake: @Sendable () -> Void

    init(engine: AggregatorEngine, logger: Logger, wake: @escaping @Sendable () -> Void) {
        self.engine = engine; self.logger = logger; self.wake = wake
    }

    func reconcile(_ targets: [String: HealthProbeTarget]) {
        for (name, entry) in running where targets[name] != entry.target {
            entry.task.cancel()
            running.removeValue(forKey: name)
        }
        for (name, target) in targets where running[name] == nil {
            logger.info("health check for \(name): GET \(target.endpoint) every \(KubeDuration.format(target.interval))")
            let engine = engine
            let wake = wake
            running[name] = (target, Task {
                while !Task.isCancelled {
                    let result = await target.probe()
                    if Task.isCancelled { return }
                    await engine.recordProbe(cluster: name, target: target, result: result)
                    wake()
                    try? await Task.sleep(for: target.interval)
                }
            })
        }
    }

    func stopAll() {
        for entry in running.values { entry.task.cancel() }
        running = [:]
    }
}
