import ForgeCore
import KubeClient
import Logging

/// The reporter's Kubernetes Events about its own Pod (`kubectl describe pod` shows them):
/// one method per event reason, each returning at once (no `await` in the caller's state
/// machine); `run()` sends them in order through an EventRecorder (series for repeats, a
/// per-pod rate limit so a flapping pod cannot flood the API server). The Pod's uid, which
/// `kubectl describe` filters by, is read once from the API.
///
/// RBAC: create and patch on events.events.k8s.io (charts/cardano-block-producer).
final class PodEventSink: Sendable {
    struct Pending: Sendable {
        let type: EventType
        let reason: String
        let action: String
        let note: String
    }

    private let recorder: EventRecorder
    private let client: KubernetesClient
    private let namespace: String
    private let pod: String
    private let logger: Logger
    private let stream: AsyncStream<Pending>
    private let continuation: AsyncStream<Pending>.Continuation
    /// Every event submitted before `finish` has been handed to the recorder.
    private let drained = Locked(false)

    init(client: KubernetesClient, namespace: String, pod: String, logger: Logger) {
        self.client = client; self.namespace = namespace; self.pod = pod; self.logger = logger
        recorder = EventRecorder(client: client, controller: "cardano.io/forge-reporter", instance: pod, logger: logger)
        (stream, continuation) = AsyncStream<Pending>.makeStream(bufferingPolicy: .bufferingNewest(256))
    }

    // MARK: one method per reason

    /// This pod now holds the pool's Lease.
    func leaseAcquired(lease: String) {
        send(.normal, "LeaseAcquired", "Elect", "holds Lease \(lease)")
    }

    /// The Lease was lost (renewals failed, taken over, or released on shutdown).
    func leaseLost(lease: String, why: String) {
        send(.warning, "LeaseLost", "Elect", "lost Lease \(lease): \(why)")
    }

    /// The node forges: keys installed and reloaded (and confirmed, when it can be).
    func forgingEnabled(confirmedBy: String) {
        send(.normal, "ForgingEnabled", "Forge", "cardano-node forges (confirmed by \(confirmedBy))")
    }

    /// The node stopped forging.
    func forgingDisabled(why: String) {
        send(.normal, "ForgingDisabled", "Forge", "cardano-node stopped forging: \(why)")
    }

    /// The renew deadline passed: keys removed before anyone else may acquire the Lease.
    func fenced(lease: String) {
        send(.warning, "Fenced", "Fence", "renew deadline of Lease \(lease) passed: keys removed, node signalled")
    }

    func keysInstalled() {
        send(.normal, "KeysInstalled", "InstallKeys", "forging keys installed for cardano-node")
    }

    func keysRemoved(why: String) {
        send(.normal, "KeysRemoved", "RemoveKeys", "forging keys removed: \(why)")
    }

    /// cardano-node restarted (new process) or its socket went away and came back.
    func nodeRestarted(detail: String) {
        send(.warning, "NodeRestarted", "WatchNode", "cardano-node restarted: \(detail)")
    }

    /// A key or certificate cannot be read, is invalid, expired or belongs to another pool.
    func credentialProblem(_ problem: String) {
        send(.warning, "CredentialProblem", "CheckCredentials", problem)
    }

    // MARK: sending

    private func send(_ type: EventType, _ reason: String, _ action: String, _ note: String) {
        continuation.yield(Pending(type: type, reason: reason, action: action, note: note))
    }

    /// Sends the events in order until cancelled.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [recorder] in await recorder.run() }
            group.addTask { [self] in
                var uid: String?
                for await event in stream {
                    if uid == nil { uid = await podUID() }
                    let regarding = EventObjectReference(apiVersion: "v1", kind: "Pod", namespace: namespace, name: pod, uid: uid)
                    await recorder.record(regarding: regarding, type: event.type, reason: event.reason,
                                          action: event.action, note: event.note)
                }
                drained.withLock { $0 = true }
            }
            await withTaskCancellationHandler {
                await group.waitForAll()
            } onCancel: { [continuation] in
                continuation.finish()
            }
        }
    }

    /// On a graceful stop: no more events; waits (bounded) until the last ones were sent, so the
    /// stop's own story (ForgingDisabled, KeysRemoved, LeaseLost) reaches `kubectl describe`.
    func finish(within timeout: Duration) async {
        continuation.finish()
        let deadline = ContinuousClock.now + timeout
        while !drained.current && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func podUID() async -> String? {
        do {
            return try await client.get(.pods, namespace: namespace, name: pod, as: Pod.self).metadata.uid
        } catch {
            logger.notice("events: cannot read this pod's uid (\(error)); kubectl describe may not list them")
            return nil
        }
    }
}
