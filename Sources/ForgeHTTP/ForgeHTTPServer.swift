import FlyingSocks
import FoundationEssentials
import Logging
import Prometheus
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The metrics and health endpoint of both binaries (`forge-reporter`, `forge-aggregator`).
///
/// Usage:
/// ```swift
/// let server = ForgeHTTPServer(port: 8000, registry: registry, logger: logger)
/// server.route("/healthz") { .ok() }
/// server.route("/readyz") { await state.isReady ? .ok() : .unavailable("node socket down") }
/// try await server.run()          // until the task is cancelled
/// ```
/// - `GET /metrics` is always served: the registry in Prometheus text format 0.0.4.
/// - `route(_:_:)` adds a path answered by a handler returning `HTTPHealthResponse` (plain
///   text). Routes may be added before or after `run()`; a later one replaces an earlier one
///   with the same path. Unknown paths get 404.
/// - `GET /health` is answered by the `/healthz` route unless a `/health` route is set: the
///   Python sidecar served `/health`, and probes written for it keep working.
/// - `port: 0` binds an ephemeral port; `boundPort()` returns it once listening (tests).
/// - Binds `0.0.0.0` by default (kubelet probes and Prometheus scrape the pod IP); pass
///   `host: "127.0.0.1"` in tests or `"::"` on IPv6-only clusters.
///
/// A deliberately small HTTP/1.1 server on FlyingSocks' non-blocking sockets: one request per
/// connection (`Connection: close`), a request head of at most 16 KiB read within 10 s, any
/// body ignored. That is all kubelet probes and Prometheus scrapes need, and it keeps full
/// Foundation (which FlyingFox's HTTP layer imports) out of the shipped binaries.
public final class ForgeHTTPServer: Sendable {
    public typealias Handler = @Sendable () async -> HTTPHealthResponse

    private let address: any SocketAddress
    private let routes = RouteTable()
    private let registry: PrometheusCollectorRegistry
    private let logger: SwiftLogger
    private let listeningPort = Mutex<UInt16?>(nil)
    static let requestTimeout: Duration = .seconds(10)

    public init(
        port: UInt16, host: String = "0.0.0.0", registry: PrometheusCollectorRegistry,
        logger: SwiftLogger
    ) throws {
        if host.contains(":") {
            address = try sockaddr_in6.inet6(ip6: host, port: port)
        } else {
            address = try sockaddr_in.inet(ip4: host, port: port)
        }
        self.registry = registry
        self.logger = logger
    }

    /// Registers (or replaces) a plain-text health route.
    public func route(_ path: String, _ handler: @escaping Handler) {
        routes.set(path, handler)
    }

    /// Serves until the surrounding task is cancelled; throws if the port cannot be bound.
    public func run() async throws {
        let socket = try Socket(domain: Int32(type(of: address).family))
        defer {
            try? socket.close()
            listeningPort.withLock { $0 = nil }
        }
        // Not inherited by child processes: a child holding it would keep the port listening
        // (and accepting into a queue nobody serves) after this server stopped.
        _ = fcntl(socket.file.rawValue, F_SETFD, FD_CLOEXEC)
        try socket.setValue(true, for: .localAddressReuse)
        try socket.bind(to: address)
        try socket.listen()
        let pool: some AsyncSocketPool = .make(logger: .disabled)
        try await pool.prepare()
        let listener = try AsyncSocket(socket: socket, pool: pool)
        switch try socket.sockname() {
        case .ip4(_, let port), .ip6(_, let port): listeningPort.withLock { $0 = port }
        default: break
        }
        logger.debug("listening", metadata: ["port": "\(listeningPort.withLock { $0 } ?? 0)"])
        do {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await pool.run() }
                for try await connection in listener.sockets {
                    group.addTask { await self.serve(connection) }
                }
                throw SocketError.disconnected
            }
        } catch where Task.isCancelled || error is CancellationError {
            // The normal end: the serving task was cancelled at shutdown.
            logger.debug("stopped")
        } catch {
            logger.error("metrics and health endpoint stopped: \(error)")
            throw error
        }
    }

    /// Waits until the socket listens and returns its port (the real one when bound to 0).
    /// Polls every 10 ms: only tests and the sandbox ask, once, right after starting `run()`.
    public func boundPort(timeout: Duration = .seconds(5)) async throws -> UInt16 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = listeningPort.withLock({ $0 }) { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ForgeHTTPError.notListening
    }

    /// One request, one response, then the connection is closed. A client that sends nothing
    /// (or too much) within the request timeout is dropped without an answer.
    private func serve(_ connection: AsyncSocket) async {
        _ = fcntl(connection.socket.file.rawValue, F_SETFD, FD_CLOEXEC)
        defer { try? connection.close() }
        let head: HTTPRequestHead
        do {
            head = try await withTimeout(Self.requestTimeout) { try await HTTPRequestHead.read(from: connection) }
        } catch let error as HTTPRequestHead.ParseError {
            try? await connection.write(HTTPResponseText.make(status: 400, body: "\(error)\n", contentType: "text/plain; charset=utf-8", includeBody: true))
            return
        } catch {
            logger.trace("connection dropped: \(error)")
            return
        }
        let response = await respond(to: head)
        do {
            try await connection.write(response)
        } catch {
            logger.trace("response not delivered: \(error)")
        }
    }

    private func respond(to head: HTTPRequestHead) async -> Data {
        let withBody = head.method != "HEAD"
        if head.path == "/metrics" {
            return HTTPResponseText.make(
                status: 200, body: registry.emitToBuffer(),
                contentType: "text/plain; version=0.0.4; charset=utf-8", includeBody: withBody)
        }
        guard let handler = routes.handler(for: head.path)
            ?? (head.path == "/health" ? routes.handler(for: "/healthz") : nil)
        else {
            return HTTPResponseText.make(status: 404, body: "not found\n", contentType: "text/plain; charset=utf-8", includeBody: withBody)
        }
        let answer = await handler()
        return HTTPResponseText.make(
            status: answer.status, body: answer.body + "\n", contentType: "text/plain; charset=utf-8",
            includeBody: withBody)
    }
}

public enum ForgeHTTPError: Error, Sendable {
    case notListening
    case timedOut
}

/// Runs `body`, cancelling it after `timeout`.
private func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw ForgeHTTPError.timedOut }
        return value
    }
}
