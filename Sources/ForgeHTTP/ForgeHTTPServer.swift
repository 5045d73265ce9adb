import FlyingFox
import FlyingSocks
import Foundation
import Logging
import Prometheus

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
public final class ForgeHTTPServer: Sendable {
    public typealias Handler = @Sendable () async -> HTTPHealthResponse

    private let server: HTTPServer
    private let routes = RouteTable()

    public init(
        port: UInt16, host: String = "0.0.0.0", registry: PrometheusCollectorRegistry,
        logger: SwiftLogger
    ) throws {
        let address: any SocketAddress
        if host.contains(":") {
            address = try sockaddr_in6.inet6(ip6: host, port: port)
        } else {
            address = try sockaddr_in.inet(ip4: host, port: port)
        }
        let routes = self.routes
        server = HTTPServer(
            address: address, timeout: 10, logger: FlyingFoxLogBridge(logger: logger),
            handler: Router(routes: routes, registry: registry))
    }

    /// Registers (or replaces) a plain-text health route.
    public func route(_ path: String, _ handler: @escaping Handler) {
        routes.set(path, handler)
    }

    /// Serves until the surrounding task is cancelled; throws if the port cannot be bound.
    public func run() async throws {
        try await server.run()
    }

    /// Waits until the socket listens and returns its port (the real one when bound to 0).
    public func boundPort(timeout: Duration = .seconds(5)) async throws -> UInt16 {
        try await server.waitUntilListening(timeout: timeout.seconds)
        switch await server.listeningAddress {
        case .ip4(_, let port)?, .ip6(_, let port)?: return port
        default: throw ForgeHTTPError.notListening
        }
    }
}

public enum ForgeHTTPError: Error, Sendable {
    case notListening
}

/// Path -> handler, readable from connection tasks while routes are added.
final class RouteTable: @unchecked Sendable {
    private var handlers: [String: ForgeHTTPServer.Handler] = [:]
    private let lock = NSLock()

    func set(_ path: String, _ handler: @escaping ForgeHTTPServer.Handler) {
        lock.lock(); defer { lock.unlock() }
        handlers[path] = handler
    }

    func handler(for path: String) -> ForgeHTTPServer.Handler? {
        lock.lock(); defer { lock.unlock() }
        return handlers[path]
    }
}

private struct Router: HTTPHandler {
    let routes: RouteTable
    let registry: PrometheusCollectorRegistry

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        if request.path == "/metrics" {
            var headers = HTTPHeaders()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return HTTPResponse(statusCode: .ok, headers: headers, body: Data(registry.emitToBuffer()))
        }
        guard let handler = routes.handler(for: request.path)
            ?? (request.path == "/health" ? routes.handler(for: "/healthz") : nil)
        else {
            return HTTPResponse(statusCode: .notFound, body: Data("not found\n".utf8))
        }
        let answer = await handler()
        var headers = HTTPHeaders()
        headers[.contentType] = "text/plain; charset=utf-8"
        return HTTPResponse(
            statusCode: HTTPStatusCode(answer.status, phrase: answer.status < 300 ? "OK" : "Unavailable"),
            headers: headers, body: Data((answer.body + "\n").utf8))
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
