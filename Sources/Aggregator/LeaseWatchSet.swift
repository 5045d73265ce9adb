import ForgeCore
import KubeClient
import Logging

/// One `LeaseFollower` per followed Lease (read, then watched by name: a namespace full of pool
/// Leases renewing every few seconds is never watched as a whole, and `get` + `watch` on that
/// one name is all the RBAC it needs). The set grows as statuses
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
            let follower = LeaseFollower(client: source.client, namespace: source.namespace, name: want.lease,
                                         logger: Logger(label: "lease-\(want.lease)"))
            let wake = wake
            tasks[want] = Task {
                await follower.run { record in
                    await engine.apply(lease: want.lease, record: record, source: want.source)
                    wake()
                }
            }
        }
    }

    func stopAll() {
        for task in tasks.values { task.cancel() }
        tasks = [:]
    }
}
