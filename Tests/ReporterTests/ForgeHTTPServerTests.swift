import ForgeCore
import ForgeHTTP
import Foundation
import KubeClient
import Logging
import Prometheus
import Testing
@testable import Reporter

@Suite("ForgeHTTPServer and the reporter's probes", .serialized)
struct ForgeHTTPServerTests {
    @Test("serves /metrics, health routes with their status, 404 otherwise, on an ephemeral port")
    func endpoints() async throws {
        let registry = PrometheusCollectorRegistry()
        let clock = ManualClock()
        let config = try ReporterConfig.load(settings: ["POD_NAME": "pod-9", "NETWORK_MAGIC": "42"])
        let metrics = ReporterMetrics(registry: registry, config: config)
        metrics.sighup(reason: "enable")
        let health = HealthState(clock: clock, livenessWindow: .seconds(5))
        let server = try ForgeHTTPServer(port: 0, host: "127.0.0.1", registry: registry, logger: Logger(label: "http"))
        ReporterRuntime.addRoutes(to: server, health: health)
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        let port = try await server.boundPort()
        #expect(port != 0)
        func get(_ path: String) async -> HTTPProbeResult {
            await HTTPProbe.get(url: "http://127.0.0.1:\(port)\(path)", headers: [:], timeout: .seconds(2))
        }

        let scrape = await get("/metrics")
        #expect(scrape.status == 200)
        let text = String(decoding: scrape.body, as: UTF8.self)
        #expect(text.contains("cardano_sighup_signals_total{reason=\"enable\"} 1"))
        #expect(text.contains("cardano_forge_manager_info{pod_name=\"pod-9\""))
        #expect(text.contains("cardano_leader_status{pod=\"pod-9\",network=\"\",pool_id=\"\",application=\"block-producer\"} 0"))

        #expect(await get("/startup-status").status == 503)
        #expect(await get("/readyz").status == 503)
        health.update { $0.lastPassAt = clock.now(); $0.nodeCanBoot = true; $0.ready = true }
        #expect(await get("/startup-status").status == 200)
        #expect(await get("/readyz").status == 200)
        #expect(await get("/healthz").status == 200)
        clock.advance(by: .seconds(6))
        #expect(await get("/healthz").status == 503, "no pass within the liveness window")
        #expect(await get("/nope").status == 404)
    }
}
