import Foundation
import ForgeCore
import KubeClient
import Logging
import TestSupport

// Shared by the LeaderElector*Tests suites: an elector campaigning on the emulator with the
// short timings below, and a recorder of its events stamped with the monotonic time of receipt.

enum ElectionTimings {
    static let leaseDuration = Duration.seconds(3)
    static let renewDeadline = Duration.seconds(2)
    static let retryPeriod = Duration.milliseconds(500)
    /// Leaves two retries before the fence: renewals at +0.75 s, then +1.25 s and +1.75 s.
    static let renewInterval = Duration.milliseconds(750)
    static let leaseName = "cardano-leader-test"
    static let namespace = "forge"
}

/// An elector under test, running on its own task, with every event recorded.
final class ElectorUnderTest: Sendable {
    let identity: String
    let elector: LeaderElector
    let client: KubernetesClient
    private let recorded = Locked<[(at: MonotonicInstant, event: LeadershipEvent)]>([])
    private let runTask: Task<Void, Never>
    private let consumeTask: Task<Void, Never>

    /// `wallOffset` shifts the wall clock this elector stamps renewTime with.
    init(emulator: Emulator, identity: String, wallOffset: TimeInterval = 0, releaseOnCancel: Bool = true,
         leaseName: String = ElectionTimings.leaseName, leaseDuration: Duration = ElectionTimings.leaseDuration,
         renewDeadline: Duration = ElectionTimings.renewDeadline, retryPeriod: Duration = ElectionTimings.retryPeriod,
         renewInterval: Duration? = ElectionTimings.renewInterval) throws {
        self.identity = identity
        client = try emulator.client()
        let lock = KubeLeaseLock(client: client, namespace: ElectionTimings.namespace, name: leaseName, fieldManager: identity)
        let config = LeaderElectionConfig(
            leaseName: leaseName, namespace: ElectionTimings.namespace, identity: identity,
            leaseDuration: leaseDuration, renewDeadline: renewDeadline,
            retryPeriod: retryPeriod, renewInterval: renewInterval, releaseOnCancel: releaseOnCancel)
        var logger = Logger(label: "test.elector.\(identity)")
        logger.logLevel = ProcessInfo.processInfo.environment["ELECTOR_TEST_DEBUG"] == nil ? .error : .debug
        let elector = try LeaderElector(
            config: config, lock: lock, wallClock: { Date().addingTimeInterval(wallOffset) }, logger: logger)
        self.elector = elector
        let recorded = self.recorded
        consumeTask = Task {
            let clock = SystemMonotonicClock()
            for await event in elector.events {
                recorded.withLock { $0.append((clock.now(), event)) }
            }
        }
        runTask = Task { await elector.run() }
    }

    var events: [(at: MonotonicInstant, event: LeadershipEvent)] { recorded.current }

    /// Receipt time of the first event after `since` that `matches`.
    func firstTime(after since: MonotonicInstant? = nil, _ matches: (LeadershipEvent) -> Bool) -> MonotonicInstant? {
        events.first { entry in (since.map { entry.at >= $0 } ?? true) && matches(entry.event) }?.at
    }

    func count(_ matches: (LeadershipEvent) -> Bool) -> Int { events.filter { matches($0.event) }.count }

    var isLeader: Bool { get async { await elector.isLeader } }
    var fenceDeadline: MonotonicInstant? { get async { await elector.fenceDeadline } }
    var isWatchHealthy: Bool { get async { await elector.isWatchHealthy } }

    /// Cancels `run()` (which releases if configured) and waits for the event stream to end.
    func stop() async {
        runTask.cancel()
        await runTask.value
        await consumeTask.value
    }

    /// Waits for `run()` to return by itself (after `release()`).
    func waitForRunToEnd() async { await runTask.value }
}

extension LeadershipEvent {
    var isAcquired: Bool { if case .acquired = self { true } else { false } }
    var isRenewed: Bool { if case .renewed = self { true } else { false } }
    var isFenced: Bool { if case .fenced = self { true } else { false } }
    var isLost: Bool { if case .lost = self { true } else { false } }
    var isReleased: Bool { if case .released = self { true } else { false } }
    /// The fence deadline an acquisition or renewal announced.
    var fenceDeadline: MonotonicInstant? {
        switch self {
        case .renewed(_, let deadline): deadline
        case .acquired(let snapshot): snapshot.fenceDeadline
        default: nil
        }
    }
    var acquiredSnapshot: LeaseSnapshot? { if case .acquired(let s) = self { s } else { nil } }
    func isObserved(_ holder: String?) -> Bool { if case .observed(holder) = self { true } else { false } }
}

/// Starts an emulator with the test namespace.
func startElectionEmulator() async throws -> Emulator {
    let emulator = try await Emulator.start()
    try await emulator.createNamespace(ElectionTimings.namespace)
    return emulator
}

/// The lease as stored by the emulator.
func storedLease(_ client: KubernetesClient, name: String = ElectionTimings.leaseName) async throws -> Lease {
    try await client.get(.leases, namespace: ElectionTimings.namespace, name: name, as: Lease.self)
}

/// Fault rule regex for writes to the test lease by one identity (writes carry fieldManager).
func leaseWrites(by identity: String, name: String = ElectionTimings.leaseName) -> String {
    "/leases/\(name)\\?fieldManager=\(identity)$"
}

func seconds(_ d: Duration) -> Double { d.seconds }
