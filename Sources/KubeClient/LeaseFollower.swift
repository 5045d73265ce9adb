import ForgeCore
import Logging

/// Follows one Lease someone else holds (a region's aggregator Lease): every state it takes,
/// as a record (nil: it does not exist). Reads it once, then watches it by name from that
/// version; when the watch breaks it reads again (changes may have been missed), and the watch
/// reconnects with backoff. Needs only `get` and `watch` on that one Lease, like a standby's
/// own election Lease.
public struct LeaseFollower: Sendable {
    let lock: KubeLeaseLock
    let logger: Logger
    /// Between reads while the Lease cannot be read at all.
    var retry: Duration = .seconds(2)

    public init(client: KubernetesClient, namespace: String, name: String, logger: Logger) {
        lock = KubeLeaseLock(client: client, namespace: namespace, name: name)
        self.logger = logger
    }

    /// Runs until the calling task is cancelled.
    public func run(deliver: @escaping @Sendable (LeaseRecord?) async -> Void) async {
        while !Task.isCancelled {
            let version: String?
            do {
                let record = try await lock.get()
                await deliver(record)
                version = record?.resourceVersion
            } catch {
                logger.debug("reading lease \(lock.lockDescription) failed: \(error)")
                try? await Task.sleep(for: retry)
                continue
            }
            // Watch until it breaks; then read again (it may have missed a change).
            let watch = LeaderElectorWatch(lock: lock, logger: logger)
            let (signals, continuation) = AsyncStream<LeaseWatchSignal>.makeStream()
            let feed = Task {
                await watch.run(from: version) { continuation.yield($0) }
                continuation.finish()
            }
            watching: for await signal in signals {   // ends when our task is cancelled
                switch signal {
                case .event(.changed(let record)): await deliver(record)
                case .event(.deleted): await deliver(nil)
                case .event(.progress): continue
                case .broken: break watching
                }
            }
            feed.cancel()
            if Task.isCancelled { return }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }
}
