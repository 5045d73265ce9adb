import ForgeCore
import ForgeHTTP
import KubeClient
import Logging
import Prometheus
import Testing
@testable import Reporter

/// What docs/MIGRATION.md promises to operators coming from the Python sidecar.
@Suite("Migration compatibility", .serialized)
struct MigrationCompatibilityTests {
    @Test("/health answers as /healthz (the Python sidecar's probe path), an explicit /health route wins")
    func healthAlias() async throws {
        let clock = ManualClock()
        let health = HealthState(clock: clock, livenessWindow: .seconds(5))
        let server = try ForgeHTTPServer(
            port: 0, host: "127.0.0.1", registry: PrometheusCollectorRegistry(), logger: Logger(label: "http"))
        ReporterRuntime.addRoutes(to: server, health: health)
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        let port = try await server.boundPort()
        func get(_ path: String) async -> HTTPProbeResult {
            await HTTPProbe.get(url: "http://127.0.0.1:\(port)\(path)", headers: [:], timeout: .seconds(2))
        }
        health.update { $0.lastPassAt = clock.now() }
        #expect(await get("/health").status == 200)
        clock.advance(by: .seconds(6))
        #expect(await get("/healthz").status == 503)
        #expect(await get("/health").status == 503, "the alias follows /healthz, it is not a constant OK")
        server.route("/health") { .ok("own") }
        #expect(await get("/health").status == 200)
    }

    @Test("each accepted-but-ignored setting that is set is reported, in a fixed order; unset or empty ones are not")
    func ignoredSettings() throws {
        let settings = [
            "POD_NAME": "p-0", "HEALTH_CHECK_ENDPOINT": "http://x/health", "CLUSTER_IDENTIFIER": "old-host",
            "POOL_TICKER": "ABC", "CRD_PLURAL": " ", "START_AS_NON_PRODUCING": "true", "LEASE_NAME": "cardano-node-leader",
        ]
        let found = IgnoredSetting.present(in: settings)
        #expect(found.map(\.name) == ["HEALTH_CHECK_ENDPOINT", "CLUSTER_IDENTIFIER", "POOL_TICKER", "START_AS_NON_PRODUCING"])
        #expect(found.first?.why.contains("spec.healthCheck") == true)
        #expect(IgnoredSetting.present(in: ["POD_NAME": "p-0"]).isEmpty)
        // Every ignored setting the reporter has a flag for is still accepted by the loader.
        _ = try ReporterConfig.load(settings: settings.merging(["CRD_PLURAL": "cardanoleaders"]) { $1 })
    }
}
