import ForgeCore
import FoundationEssentials
import KubeClient
import Logging

/// Watches this region's CardanoForgeCluster (one object, by field selector) and the
/// aggregator Lease its status names (`status.writtenBy.lease`, also by field selector), and
/// feeds both into a `ClusterPermissionTracker`. Only `status.forgingEnabled`,
/// `status.heartbeat` and `status.writtenBy` are decoded, leniently: the aggregator owns the
/// full model, and a status this reader cannot interpret must deny, not crash.
final class ClusterStatusWatcher: ClusterPermissionSource, Sendable {
    /// The few fields read; everything else in the object is ignored.
    struct StatusOnly: KubeObject {
        struct Status: Codable, Sendable {
            var forgingEnabled: Bool?
            var heartbeat: Int64?
            var writtenBy: AggregatorTerm?
        }

        var metadata: ObjectMeta
        /// The status decoded as raw JSON, so a malformed status does not break the watch.
        var status: JSONValue?
    }

    private let tracker: Locked<ClusterPermissionTracker>
    private let client: KubernetesClient
    private let type: ResourceType
    private let namespace: String
    private let name: String
    private let clock: MonotonicClock
    private let logger: Logger

    init(config: ReporterConfig, name: String, client: KubernetesClient, clock: MonotonicClock, logger: Logger) {
        tracker = Locked(ClusterPermissionTracker(staleness: config.clusterStatusStaleness))
        self.client = client
        self.type = ResourceType(group: config.crdGroup, version: config.crdVersion, plural: "cardanoforgeclusters")
        self.namespace = config.namespace
        self.name = name
        self.clock = clock
        self.logger = logger
    }

    func permission(at now: MonotonicInstant) -> ClusterPermission {
        tracker.withLock { $0.evaluate(at: now) }
    }

    /// Runs the informers until cancelled, calling `changed` after every observation.
    func run(changed: @escaping @Sendable () async -> Void) async {
        let informer = Informer<StatusOnly>(
            client: client, type: type, namespace: namespace,
            fieldSelector: "metadata.name=\(name)", logger: logger)
        let feed = Task { await informer.run() }
        var leaseFeed: (name: String, task: Task<Void, Never>)?
        defer { feed.cancel(); leaseFeed?.task.cancel() }
        for await event in informer.events {
            defer {
                // Follow the Lease the status names (a new name: a new watch, a new baseline).
                if let wanted = tracker.withLock({ $0.wantedLease }), wanted != leaseFeed?.name {
                    leaseFeed?.task.cancel()
                    leaseFeed = (wanted, Task { await self.followLease(wanted, changed: changed) })
                }
            }
            let observation: ClusterPermissionTracker.Observation
            switch event {
            case .synced(let items):
                observation = items.first { $0.metadata.name == name }.map(Self.observe) ?? .missing
            case .upserted(let item):
                guard item.metadata.name == name else { continue }
                observation = Self.observe(item)
            case .deleted(let item):
                guard item.metadata.name == name else { continue }
                observation = .missing
            }
            let before = permission(at: clock.now())
            let staleBefore = tracker.withLock { $0.staleObservations }
            tracker.withLock { $0.observe(observation, at: clock.now()) }
            let after = permission(at: clock.now())
            if tracker.withLock({ $0.staleObservations }) > staleBefore {
                logger.warning("ignoring a CardanoForgeCluster status whose heartbeat went backwards (a late write)", metadata: [
                    "cluster": "\(name)", "observation": "\(observation)"])
            }
            if before != after {
                logger.notice("cluster permission changed", metadata: [
                    "cluster": "\(name)", "allowed": "\(after.allowed)", "reason": "\(after.reason)"])
            }
            await changed()
        }
    }

    /// Watches the aggregator Lease `lease` by name and feeds its changes to the tracker.
    private func followLease(_ lease: String, changed: @escaping @Sendable () async -> Void) async {
        let follower = LeaseFollower(client: client, namespace: namespace, name: lease, logger: logger)
        await follower.run { [self] record in
            let before = permission(at: clock.now())
            tracker.withLock { $0.observeLease(name: lease, record: record, at: clock.now()) }
            let after = permission(at: clock.now())
            if before != after {
                logger.notice("cluster permission changed", metadata: [
                    "cluster": "\(name)", "allowed": "\(after.allowed)", "reason": "\(after.reason)"])
            }
            await changed()
        }
    }

    static func observe(_ item: StatusOnly) -> ClusterPermissionTracker.Observation {
        let uid = item.metadata.uid
        guard let status = item.status else { return .status(.init(forgingEnabled: nil, heartbeat: nil, uid: uid)) }
        do {
            let data = try JSONEncoder().encode(status)
            let decoded = try JSONDecoder().decode(StatusOnly.Status.self, from: data)
            return .status(.init(forgingEnabled: decoded.forgingEnabled, heartbeat: decoded.heartbeat, uid: uid,
                                 writtenBy: decoded.writtenBy))
        } catch {
            return .unreadable("status.forgingEnabled/heartbeat/writtenBy: \(error)")
        }
    }
}
