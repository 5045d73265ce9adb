import FoundationEssentials
import Logging

/// What an `Informer` tells its consumer.
public enum InformerEvent<T> {
    /// The full current list after a (re)list: replaces whatever the consumer cached.
    case synced([T])
    case upserted(T)
    case deleted(T)
}

extension InformerEvent: Sendable where T: Sendable {}

/// List-then-watch with client-go reflector semantics: list (paginated), watch from the
/// list's resourceVersion, reconnect from the last version seen (objects and bookmarks) when
/// a stream ends or breaks, relist when that version is gone (410), back off with jitter on
/// errors. A reconnect never loses or repeats an event, because the server replays exactly
/// what came after the version we ask for. With `representation: .metadataOnly` the lists
/// and watches ask for `PartialObjectMetadata` (use `Informer<PartialObjectMetadata>`).
public final class Informer<T: KubeObject>: Sendable {
    public let events: AsyncStream<InformerEvent<T>>
    private let continuation: AsyncStream<InformerEvent<T>>.Continuation
    private let client: KubernetesClient
    private let type: ResourceType
    private let namespace: String?
    private let labelSelector: String?
    private let fieldSelector: String?
    private let logger: Logger
    private let pageSize: Int
    private let representation: ObjectRepresentation
    private let backoff = Backoff(base: .milliseconds(500), cap: .seconds(30))

    public init(
        client: KubernetesClient, type: ResourceType, namespace: String?, labelSelector: String? = nil,
        fieldSelector: String? = nil, logger: Logger, pageSize: Int = 500, representation: ObjectRepresentation = .full
    ) {
        (events, continuation) = AsyncStream<InformerEvent<T>>.makeStream()
        self.client = client
        self.type = type
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.logger = logger
        self.pageSize = max(1, pageSize)
        self.representation = representation
    }

    private enum WatchOutcome { case ended, gone, failed(Error), cancelled }

    /// Runs until the calling task is cancelled; then `events` finishes.
    public func run() async {
        defer { continuation.finish() }
        var failures = 0
        relist: while !Task.isCancelled {
            var version: String
            do {
                let (items, listVersion) = try await listAll()
                continuation.yield(.synced(items))
                version = listVersion
                failures = 0
            } catch {
                if Task.isCancelled { return }
                logger.warning("list failed; retrying", metadata: ["resource": "\(type)", "error": "\(error)"])
                guard await sleep(backoff.delay(attempt: failures)) else { return }
                failures += 1
                continue
            }
            while !Task.isCancelled {
                let (outcome, progressed) = await watchOnce(from: &version)
                if progressed { failures = 0 }
                switch outcome {
                case .ended:
                    continue
                case .gone:
                    logger.info("resourceVersion \(version) is gone; relisting", metadata: ["resource": "\(type)"])
                    continue relist
                case .failed(let error):
                    logger.warning("watch failed; reconnecting", metadata: ["resource": "\(type)", "error": "\(error)"])
                    guard await sleep(backoff.delay(attempt: failures)) else { return }
                    failures += 1
                case .cancelled:
                    return
                }
            }
        }
    }

    /// All pages of the list and the snapshot's resourceVersion.
    private func listAll() async throws -> ([T], String) {
        var items: [T] = []
        var token: String?
        var version = ""
        repeat {
            let page = try await client.list(
                type, namespace: namespace,
                options: ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector, limit: pageSize, continueToken: token),
                as: T.self, representation: representation)
            items.append(contentsOf: page.items)
            version = page.metadata.resourceVersion ?? version
            token = page.metadata.continue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return (items, version)
    }

    private func watchOnce(from version: inout String) async -> (WatchOutcome, Bool) {
        // Like client-go, ask the server to end each watch after 5-10 min so load spreads.
        let options = WatchOptions(
            labelSelector: labelSelector, fieldSelector: fieldSelector,
            resourceVersion: version.isEmpty ? nil : version, allowWatchBookmarks: true,
            timeoutSeconds: Int.random(in: 300...600))
        var progressed = false
        do {
            for try await event in client.watch(type, namespace: namespace, options: options, as: T.self, representation: representation) {
                switch event {
                case .added(let object), .modified(let object):
                    advance(&version, to: object.metadata.resourceVersion)
                    continuation.yield(.upserted(object))
                case .deleted(let object):
                    advance(&version, to: object.metadata.resourceVersion)
                    continuation.yield(.deleted(object))
                case .bookmark(let resourceVersion):
                    advance(&version, to: resourceVersion)
                case .error(let error):
                    return (error.isGone ? .gone : .failed(error), progressed)
                }
                progressed = true
            }
            return (Task.isCancelled ? .cancelled : .ended, progressed)
        } catch let error as KubeAPIError where error.isGone {
            return (.gone, progressed)
        } catch {
            if Task.isCancelled { return (.cancelled, progressed) }
            // A live stream that broke (reset, proxy timeout) is routine: resume at once from
            // the last version, as client-go does; back off only when streams fail outright.
            if progressed, case KubeClientError.transport = error { return (.ended, progressed) }
            return (.failed(error), progressed)
        }
    }

    private func advance(_ version: inout String, to newVersion: String?) {
        if let newVersion, !newVersion.isEmpty { version = newVersion }
    }

    /// False when cancelled while waiting.
    private func sleep(_ delay: Duration) async -> Bool {
        do {
            try await Task.sleep(for: delay)
            return true
        } catch {
            return false
        }
    }
}
