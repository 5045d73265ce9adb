#if canImport(Glibc)
import Glibc
#endif
import ForgeNode
import Foundation
import KubeClient
import TestSupport
import Testing

/// The stand-in's Prometheus endpoint, fetched over real HTTP with the reporter's libcurl probe
/// and read with `NodeMetrics.read`: the slot advances with time, forging_enabled has the real
/// node's quirk after a non-producing start, and leadership checks count only while forging.
@Suite(.serialized) struct StandInMetricsTests {
    func scrape(_ port: UInt16) async throws -> NodeMetrics.Reading {
        let result = await HTTPProbe.get(url: "http://127.0.0.1:\(port)/metrics", timeout: .seconds(2))
        guard result.status == 200 else { throw NodeTestTimeout(description: "scrape failed: \(result.error ?? "status \(result.status.map(String.init) ?? "none")")") }
        return NodeMetrics.read(prometheusText: String(decoding: result.body, as: UTF8.self))
    }

    func metricsPort(_ fixture: StandInFixture) async throws -> UInt16 {
        let file = fixture.directory.file("metrics.port")
        var port: UInt16?
        try await eventually(timeout: .seconds(5), "metrics port file") {
            port = readFile(file).flatMap { UInt16($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            return port != nil
        }
        return port!
    }

    @Test func slotAdvancesAndLeadershipChecksCountOnlyWhileForging() async throws {
        let fixture = try StandInFixture("si-metrics")
        defer { fixture.directory.remove() }
        let node = try fixture.start(nonProducing: true, environment: [
            "STANDIN_METRICS_PORT": "0", "STANDIN_METRICS_PORT_FILE": fixture.directory.file("metrics.port"),
            "STANDIN_SLOT_START": "5000", "STANDIN_SLOTS_PER_SECOND": "50"])
        defer { node.terminateNow() }
        let port = try await metricsPort(fixture)
        try await fixture.waitForSocket()

        let first = try await scrape(port)
        #expect(first.slot.map { $0 >= 5000 } == true)
        // The real node's quirk: 1 after a non-producing start, before any reconfiguration.
        #expect(first.forgingEnabled == true)
        #expect(first.leadershipChecks == 0)
        try await eventually(timeout: .seconds(5), "slot advances") { try await scrape(port).slot! > first.slot! }

        // Credentials present: SIGHUP enables forging, leadership checks start counting.
        #expect(node.signal(SIGHUP))
        try await eventually(timeout: .seconds(5), "leadership checks counted") {
            let reading = try await scrape(port)
            return reading.forgingEnabled == true && (reading.leadershipChecks ?? 0) > 0
        }
        // Keys removed: SIGHUP disables forging, forging_enabled reads 0, the count stops.
        unlink(fixture.kes); unlink(fixture.vrf); unlink(fixture.opCert)
        #expect(node.signal(SIGHUP))
        try await eventually(timeout: .seconds(5), "forging disabled") { try await scrape(port).forgingEnabled == false }
        let stopped = try await scrape(port).leadershipChecks
        let later = try await scrape(port)
        try await eventually(timeout: .seconds(5), "slot advances after disable") { try await scrape(port).slot! > later.slot! + 10 }
        #expect(try await scrape(port).leadershipChecks == stopped)
    }

    @Test func rejectsABadMetricsPort() async throws {
        let fixture = try StandInFixture("si-metrics-bad")
        defer { fixture.directory.remove() }
        let node = try fixture.start(nonProducing: true, environment: ["STANDIN_METRICS_PORT": "http"])
        defer { node.terminateNow() }
        #expect(await node.waitExit(timeout: .seconds(5)) == 1)
        #expect(node.output.contains("STANDIN_METRICS_PORT must be a port number"))
    }

    @Test func readsEachTracingSystemsLeadershipCounterName() {
        for name in NodeMetrics.leadershipCheckNames {
            let text = "# TYPE x counter\ncardano_node_metrics_slotNum_int 123\n\(name) 17\n"
            #expect(NodeMetrics.read(prometheusText: text) == NodeMetrics.Reading(slot: 123, forgingEnabled: nil, leadershipChecks: 17))
        }
        #expect(NodeMetrics.read(prometheusText: "cardano_node_metrics_slotNum_int -1\n").slot == nil)
        #expect(NodeMetrics.read(prometheusText: "garbage").slot == nil)
    }
}
