import ForgeCore
import ForgeHTTP
import Foundation
import Logging
import Prometheus

/// The primary region's health check target: an HTTP endpoint served by the sandbox whose
/// answer (200 or 503) the story flips, standing in for a relay or monitoring health URL.
final class HealthEndpoint: @unchecked Sendable {
    private let healthy = Locked(true)
    private let server: ForgeHTTPServer
    private var task: Task<Void, Never>?
    private(set) var port: UInt16 = 0

    init() throws {
        var logger = Logger(label: "sandbox-health")
        logger.logLevel = .critical
        server = try ForgeHTTPServer(port: 0, host: "127.0.0.1", registry: PrometheusCollectorRegistry(), logger: logger)
        server.route("/health") { [healthy] in
            healthy.current ? .ok("healthy") : .unavailable("unhealthy (sandbox story)")
        }
    }

    func start() async throws {
        let server = self.server
        task = Task { try? await server.run() }
        port = try await server.boundPort()
    }

    var url: String { "http://127.0.0.1:\(port)/health" }

    var isHealthy: Bool {
        get { healthy.current }
        set { healthy.withLock { $0 = newValue } }
    }

    func stop() { task?.cancel() }
}
