import ForgeCore
import FoundationEssentials
import KubeClient
import Logging

/// `LeadershipSource` over `LeaderElector`. A `LeaderElector` never campaigns again after a
/// release, so every membership (`join`) gets a fresh one. It is built with
/// `releaseOnCancel: false`: whether to release is the controller's decision (only when the
/// node is known not to forge), made in `leave(release:)`.
final class KubeLeadershipSource: LeadershipSource, @unchecked Sendable {
    private struct Membership {
        let elector: LeaderElector
        let run: Task<Void, Never>
        let consume: Task<Void, Never>
    }

    private let config: LeaderElectionConfig
    private let lock: LeaseLock
    private let clock: MonotonicClock
    private let logger: Logger
    private let current = Locked<Membership?>(nil)

    init(config: ReporterConfig, client: KubernetesClient, clock: MonotonicClock, logger: Logger) {
        self.config = LeaderElectionConfig(
            leaseName: config.leaseName, namespace: config.namespace, identity: config.electionIdentity,
            leaseDuration: config.leaseDuration, renewDeadline: config.renewDeadline,
            retryPeriod: config.retryPeriod, renewInterval: config.renewInterval, releaseOnCancel: false)
        self.lock = KubeLeaseLock(client: client, namespace: config.namespace, name: config.leaseName,
                                  fieldManager: "forge-reporter")
        self.clock = clock
        self.logger = logger
    }

    func join(_ deliver: @escaping @Sendable (LeadershipUpdate) async -> Void) async {
        guard current.current == nil else { return }
        let elector: LeaderElector
        do {
            elector = try LeaderElector(config: config, lock: lock, clock: clock, logger: logger)
        } catch {
            // Validated at start-up (ReporterConfig); unreachable unless the two rules diverge.
            logger.critical("cannot start the leader elector: \(error)")
            return
        }
        let consume = Task {
            for await event in elector.events {
                if let update = await Self.translate(event, elector: elector) {
                    await deliver(update)
                }
            }
        }
        let run = Task { await elector.run() }
        current.withLock { $0 = Membership(elector: elector, run: run, consume: consume) }
    }

    func leave(release: Bool) async {
        guard let membership = current.withLock({ m -> Membership? in defer { m = nil }; return m }) else {
            return
        }
        if release {
            await membership.elector.release()     // ends run() as well
        } else {
            membership.run.cancel()
        }
        await membership.run.value
        // Not awaited: `leave` may be called from within a delivery (an event's handling led to
        // leaving), which would then wait for itself. The controller ignores deliveries from a
        // membership it has left.
        membership.consume.cancel()
    }

    private static func translate(_ event: LeadershipEvent, elector: LeaderElector) async -> LeadershipUpdate? {
        switch event {
        case .started:
            return nil
        case .acquired(let snapshot):
            return .acquired(fenceDeadline: snapshot.fenceDeadline, transitions: snapshot.leaseTransitions,
                             acquiredAt: snapshot.acquiredAt)
        case .renewed(_, let deadline):
            return .renewed(fenceDeadline: deadline)
        case .observed(let holder):
            // The controller and the report speak pod names (the aggregator compares the
            // holder with them); the UID part only keeps incarnations apart in the Lease.
            return .observed(holder: holder.map(ElectionIdentity.podName(of:)), transitions: await elector.leaseTransitions)
        case .lost(let reason):
            return .lost(reason: reason)
        case .fenced(let reason):
            return .fenced(reason: reason)
        case .released:
            return .released
        }
    }
}
