import FoundationEssentials

extension KubernetesClient {
    /// GET and HEAD change nothing, so any failure may be retried. A write that reached the
    /// server may have been applied even if the answer was 5xx or the connection broke.
    static func isIdempotent(_ method: String) -> Bool { method == "GET" || method == "HEAD" }

    /// One logical request: rate limit, authenticate, send; retry per the policy:
    /// - 401 with a token file: re-read the token and retry once (rotation), any verb;
    /// - 429 (after Retry-After), 5xx and lost connections: idempotent verbs only;
    /// - connection never made (nothing sent): any verb.
    func execute(
        method: String, path: String, query: [(String, String)], body: Data?, contentType: String?,
        timeout: Duration? = nil, accept: String = KubernetesClient.jsonAccept
    ) async throws -> TransportResponse {
        let idempotent = Self.isIdempotent(method)
        var attempt = 0
        var reloadedToken = false
        while true {
            do {
                try await limiter.wait()
            } catch {
                throw KubeClientError.cancelled
            }
            let request = TransportRequest(
                method: method, url: url(path, query), headers: headers(contentType: contentType, accept: accept), body: body,
                connectTimeout: options.connectTimeout, totalTimeout: timeout ?? options.requestTimeout)
            let response: TransportResponse
            do {
                response = try await transport.perform(request)
            } catch let failure as TransportFailure {
                let retryable = failure.kind == .connectFailed || (idempotent && failure.kind == .connectionLost)
                guard retryable, attempt < options.maxRetries else { throw failure.clientError }
                logger.debug("retrying after transport failure", metadata: ["error": "\(failure.message)", "attempt": "\(attempt + 1)"])
                try await pause(backoff.delay(attempt: attempt))
                attempt += 1
                continue
            }
            if response.status == 401, tokens.canReload, !reloadedToken {
                reloadedToken = true
                tokens.invalidate()
                logger.info("401 from the API server; re-reading the token file and retrying once")
                continue
            }
            if idempotent, response.status == 429 || response.status >= 500, attempt < options.maxRetries {
                let wait = retryAfter(response) ?? backoff.delay(attempt: attempt)
                logger.debug("retrying after HTTP \(response.status)", metadata: ["path": "\(path)", "wait": "\(wait)"])
                try await pause(wait)
                attempt += 1
                continue
            }
            return response
        }
    }

    /// Retry-After in seconds (the API server never sends the HTTP-date form), capped so a
    /// misbehaving proxy cannot park a caller for long.
    func retryAfter(_ response: TransportResponse) -> Duration? {
        guard let value = response.headers["retry-after"], let seconds = Int(value.trimmingBlanks()),
              seconds >= 0
        else { return nil }
        return .seconds(min(seconds, 30))
    }

    func pause(_ delay: Duration) async throws {
        do {
            try await Task.sleep(for: delay)
        } catch {
            throw KubeClientError.cancelled
        }
    }
}
