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
        let (stream, continuation) = AsyncStream<(CardanoForgeCluster, ClusterEvent)>.makeStream(bufferingPolicy: .bufferingNewest(512))
        await engine.setEventSink { cluster, event in continuation.yield((cluster, event)) }
        let namespace = config.namespace
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await recorder.run() }
            group.addTask {
                for await (cluster, event) in stream {
                    let regarding = EventObjectReference(
                        apiVersion: "cardano.io/v1", kind: "CardanoForgeCluster", namespace: namespace,
                        name: cluster.name, uid: cluster.metadata.uid)
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
