import ForgeCore
import KubeClient
import Logging

extension AggregatorRuntime {
    /// Sends the engine's CardanoForgeCluster events, in the order they were told, through
    /// one EventRecorder (series, per-object rate limit) until cancelled. RBAC: create and
    /// patch on events.events.k8s.io (charts/forge-aggregator).
    func tellEvents() async {
        let recorder = EventRecorder(client: client, controller: "cardano.io/forge-aggregator", instance: config.identity,
                                     logger: Logger(label: "events"))
        // Only the object's name and uid wait in the buffer, not the whole CardanoForgeCluster:
        // at start every pool tells an event, and 512 queued clusters held ~1 MiB at 1 000 pools.
        let (stream, continuation) = AsyncStream<(name: String, uid: String?, event: ClusterEvent)>
            .makeStream(bufferingPolicy: .bufferingNewest(512))
        await engine.setEventSink { cluster, event in continuation.yield((cluster.name, cluster.metadata.uid, event)) }
        let namespace = config.namespace
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await recorder.run() }
            group.addTask {
                for await (name, uid, event) in stream {
                    let regarding = EventObjectReference(
                        apiVersion: "cardano.io/v1", kind: "CardanoForgeCluster", namespace: namespace,
                        name: name, uid: uid)
                    await recorder.record(regarding: regarding, type: event.warning ? .warning : .normal,
                                          reason: event.reason, action: event.action, note: event.note)
                }
            }
            await withTaskCancellationHandler {
                await group.waitForAll()
            } onCancel: {
                continuation.finish()
            }
        }
    }
}
