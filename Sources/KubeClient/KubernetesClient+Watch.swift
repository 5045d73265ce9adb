import FoundationEssentials

extension KubernetesClient {
    /// One watch request: events until the server ends the stream (normal finish), an error
    /// (thrown), or the consumer stops iterating / the task is cancelled (transfer aborted).
    /// The stream runs on its own transfer thread and never blocks other requests. Its
    /// establishment is rate-limited and retried like a GET; once events flow, it is not.
    /// `representation: .metadataOnly`: each event's object is a `PartialObjectMetadata`.
    public func watch<T: Decodable>(
        _ type: ResourceType, namespace: String?, options: WatchOptions, as: T.Type = T.self,
        representation: ObjectRepresentation = .full
    ) -> AsyncThrowingStream<WatchEvent<T>, Error> {
        let (stream, continuation) = AsyncThrowingStream<WatchEvent<T>, Error>.makeStream()
        let path = type.path(namespace: namespace)
        let task = Task {
            do {
                try await self.runWatch(path: path, query: options.query, accept: representation.watchAccept, into: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func runWatch<T: Decodable>(
        path: String, query: [(String, String)], accept: String, into continuation: AsyncThrowingStream<WatchEvent<T>, Error>.Continuation
    ) async throws {
        var attempt = 0
        var reloadedToken = false
        while true {
            do {
                try await limiter.wait()
            } catch {
                throw KubeClientError.cancelled
            }
            let decoder = WatchStreamDecoder<T>(continuation: continuation)
            let request = TransportRequest(
                method: "GET", url: url(path, query), headers: headers(contentType: nil, accept: accept), body: nil,
                connectTimeout: options.connectTimeout, totalTimeout: nil, idleTimeout: options.watchIdleTimeout)
            let response: TransportResponse
            do {
                response = try await transport.perform(request, onData: decoder.consume)
            } catch let failure as TransportFailure {
                if failure.kind == .consumerAborted, let error = decoder.error { throw error }
                let retryable = failure.kind == .connectFailed || failure.kind == .connectionLost
                if retryable, decoder.delivered == 0, attempt < options.maxRetries {
                    try await pause(backoff.delay(attempt: attempt))
                    attempt += 1
                    continue
                }
                throw failure.clientError
            }
            if (200..<300).contains(response.status) {
                try decoder.finish()
                return
            }
            if response.status == 401, tokens.canReload, !reloadedToken {
                reloadedToken = true
                tokens.invalidate()
                continue
            }
            if response.status == 429 || response.status >= 500, attempt < options.maxRetries {
                try await pause(retryAfter(response) ?? backoff.delay(attempt: attempt))
                attempt += 1
                continue
            }
            throw KubeAPIError.from(status: response.status, body: response.body, context: "GET \(path) (watch)")
        }
    }
}

/// Turns the byte stream of one watch into events. Used only from the transfer thread while
/// the transfer runs, then read by the watch task after it ended.
final class WatchStreamDecoder<T: Decodable>: @unchecked Sendable {
    private var lines = WatchLineBuffer()
    private let decoder = JSONDecoder()
    private let continuation: AsyncThrowingStream<WatchEvent<T>, Error>.Continuation
    private(set) var delivered = 0
    private(set) var error: Error?

    init(continuation: AsyncThrowingStream<WatchEvent<T>, Error>.Continuation) {
        self.continuation = continuation
    }

    /// Returns false (abort the transfer) on a line that is not a watch event.
    func consume(_ chunk: Data) -> Bool {
        do {
            for line in try lines.append(chunk) { try deliver(line) }
            return true
        } catch {
            self.error = error
            return false
        }
    }

    /// A final line without a trailing newline is still an event.
    func finish() throws {
        if let line = lines.finish() { try deliver(line) }
    }

    private func deliver(_ line: Data) throws {
        let envelope: WatchEnvelope<T>
        do {
            envelope = try decoder.decode(WatchEnvelope<T>.self, from: line)
        } catch {
            throw KubeClientError.invalidResponse("undecodable watch event: \(error); line \(snippet(line))")
        }
        guard let event = envelope.event else { return }
        delivered += 1
        continuation.yield(event)
    }
}
