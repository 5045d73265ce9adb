import ForgeCore
import Foundation
import KubeClient
import Logging

/// What to probe for one CardanoForgeCluster, from `spec.healthCheck`. A change of any field
/// restarts that cluster's probe loop (and results of the old settings are dropped).
struct HealthProbeTarget: Equatable, Sendable {
    var endpoint: String
    var headers: [String: String]
    var interval: Duration
    var timeout: Duration
    var failureThreshold: Int
    var healthyAfter: Int?

    /// nil when the health check is disabled or has no endpoint. Unreadable durations fall
    /// back to the CRD defaults (30s / 10s) rather than disabling the check.
    init?(cluster: CardanoForgeCluster) {
        guard let check = cluster.spec?.healthCheck, check.enabled == true,
              let endpoint = check.endpoint, !endpoint.isEmpty else { return nil }
        self.endpoint = endpoint
        headers = check.headers ?? [:]
        interval = check.interval.flatMap { try? KubeDuration.parse($0) }.flatMap { $0 > .zero ? $0 : nil } ?? .seconds(30)
        timeout = check.timeout.flatMap { try? KubeDuration.parse($0) }.flatMap { $0 > .zero ? $0 : nil } ?? .seconds(10)
        failureThreshold = check.failureThreshold ?? HealthTracker.defaultFailureThreshold
        healthyAfter = check.successThreshold
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
                    let result = await HTTPProbe.get(url: target.endpoint, headers: target.headers, timeout: target.timeout)
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
