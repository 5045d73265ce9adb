import ForgeCore
import KubeClient
import Logging

/// One informer per followed Lease (by name: a field selector, so a namespace full of pool
/// Leases renewing every few seconds is never watched as a whole). The set grows as statuses
/// name new Leases; it never shrinks while running (a handful of regions at most).
actor LeaseWatchSet {
    private var tasks: [AggregatorEngine.LeaseWant: Task<Void, Never>] = [:]
    private let wake: @Sendable () -> Void
    /// source -> the API server and namespace behind it.
    private let sources: [String: (client: KubernetesClient, namespace: String)]

    init(sources: [String: (client: KubernetesClient, namespace: String)], wake: @escaping @Sendable () -> Void) {
        self.sources = sources; self.wake = wake
    }

    func ensure(_ wants: Set<AggregatorEngine.LeaseWant>, engine: AggregatorEngine) {
        for want in wants where tasks[want] == nil {
            guard let source = sources[want.source] else { continue }
            let informer = Informer<Lease>(client: source.client, type: .leases, namespace: source.namespace,
                                           fieldSelector: "metadata.name=\(want.lease)",
                                           logger: Logger(label: "informer-lease-\(want.lease)"))
            let wake = wake
            tasks[want] = Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await informer.run() }
                    group.addTask {
                        for await event in informer.events {
                            await engine.apply(leaseEvent: event, source: want.source, lease: want.lease)
                            wake()
                        }
                    }
                }
            }
        }
    }

    func stopAll() {
        for task in tasks.values { task.cancel() }
        tasks = [:]
    }
}
