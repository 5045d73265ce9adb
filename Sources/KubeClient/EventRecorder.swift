import ForgeCore
import FoundationEssentials
import Logging

/// Records Kubernetes Events (events.k8s.io/v1) about objects this process owns, the way
/// client-go's event recorder does: repeats become a series (one create, then patches of
/// `series.count` at most every flush interval), and each object has a token bucket so a
/// flapping object cannot flood the API server. The decisions are ForgeCore's
/// `EventCorrelator`; this actor only sends them. Recording never throws and never blocks on
/// the API: a failed write is logged and the next occurrence tries again.
///
/// Usage: `await recorder.record(regarding:type:reason:action:note:)` for each event, and
/// `run()` in a task (flushes pending series) until cancelled. Needs RBAC `create` and
/// `patch` on `events.events.k8s.io` in the events' namespace.
public actor EventRecorder {
    public let controller: String
    public let instance: String
    private let client: KubernetesClient
    private let clock: MonotonicClock
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private var correlator: EventCorrelator
    private var sequence: UInt64 = 0
    private var notes: [EventCorrelator.Key: (regarding: EventObjectReference, type: EventType)] = [:]
    private var forbiddenLogged = false
    public private(set) var created = 0
    public private(set) var patched = 0
    public private(set) var failed = 0

    public init(client: KubernetesClient, controller: String, instance: String,
                config: EventCorrelator.Config = .init(), clock: MonotonicClock = SystemMonotonicClock(),
                wallClock: @escaping @Sendable () -> Date = { Date() }, logger: Logger) {
        self.client = client; self.controller = controller; self.instance = instance
        self.correlator = EventCorrelator(config: config)
        self.clock = clock; self.wallClock = wallClock; self.logger = logger
    }

    /// Events over the objects' rate limits so far (not sent).
    public var dropped: Int { correlator.droppedCount }

    public func record(regarding: EventObjectReference, type: EventType, reason: String, action: String, note: String) async {
        let key = EventCorrelator.Key(object: regarding.correlationKey, type: type.rawValue, reason: reason,
                                      action: action, note: String(note.prefix(1024)))
        notes[key] = (regarding, type)
        await perform(correlator.record(key, now: clock.now()))
    }

    /// Sends the series updates that are due.
    public func flush() async {
        for decision in correlator.flush(now: clock.now()) { await perform(decision) }
    }

    /// Flushes every `interval` until the task is cancelled.
    public func run(every interval: Duration = .seconds(5)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await flush()
        }
    }

    private func perform(_ decision: EventCorrelator.Decision) async {
        switch decision {
        case .counted:
            return
        case .dropped:
            logger.debug("event dropped by the per-object rate limit", metadata: ["dropped": "\(correlator.droppedCount)"])
        case .create(let key):
            guard let (regarding, type) = notes[key] else { return }
            let now = wallClock()
            sequence += 1
            let name = "\(regarding.name).\(String(UInt64(now.timeIntervalSince1970 * 1e6), radix: 16))\(String(sequence, radix: 16))"
            let event = KubeEvent(
                metadata: .init(name: name, namespace: regarding.namespace ?? "default"),
                eventTime: KubeEvent.microTime(now), reportingController: controller, reportingInstance: instance,
                action: key.action, reason: key.reason, type: type.rawValue, note: key.note, regarding: regarding)
            do {
                _ = try await client.create(.events, namespace: event.metadata.namespace, event)
                correlator.created(key, name: name)
                created += 1
            } catch {
                correlator.created(key, name: nil)
                report(error, "creating event \(key.reason)")
            }
        case .patchSeries(let name, let count, let key):
            guard let (regarding, _) = notes[key] else { return }
            let body = #"{"series":{"count":\#(count),"lastObservedTime":"\#(KubeEvent.microTime(wallClock()))"}}"#
            do {
                _ = try await client.patch(.events, namespace: regarding.namespace ?? "default", name: name,
                                           patch: Data(body.utf8), as: JSONValue.self)
                patched += 1
            } catch {
                report(error, "updating event series \(key.reason)")
            }
        }
    }

    private func report(_ error: Error, _ what: String) {
        failed += 1
        if let api = error as? KubeAPIError, api.code == 403 {
            if !forbiddenLogged {
                forbiddenLogged = true
                logger.warning("\(what): forbidden; grant create and patch on events.events.k8s.io (the charts do)")
            }
            return
        }
        logger.notice("\(what) failed: \(error)")
    }
}
