import ForgeCore
import ForgeNode
import Foundation
import Logging
import Prometheus
import Testing
import TestSupport
@testable import Reporter

/// The inspector alone, against real files and a closed port.
@Suite("CredentialInspector")
struct CredentialInspectorTests {
    @Test("unreachable node metrics: SlotUnknown with a message that stays the same from pass to pass")
    func unreachableMetricsGiveAStableReport() async throws {
        let directory = NSTemporaryDirectory() + "inspector-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fixture = try CredentialFixture.generate()
        try fixture.writeSecretVolume(to: directory, counter: 3, kesPeriod: 0)
        let genesis = directory + "/genesis.json"
        try CredentialFixture.genesis(slotsPerKESPeriod: 100, maxKESEvolutions: 10).write(toFile: genesis, atomically: true, encoding: .utf8)
        let port = try FreePort.pick()   // nothing listens there
        let config = try ReporterConfig.load(settings: ["POD_NAME": "pod-0"])
        let inspector = CredentialInspector(
            settings: .init(
                reader: CredentialSourceReader(files: CredentialFiles(
                    kesKey: .init(source: directory + "/kes.skey", target: directory + "/t1"),
                    vrfKey: .init(source: directory + "/vrf.skey", target: directory + "/t2"),
                    operationalCertificate: .init(source: directory + "/node.cert", target: directory + "/t3")),
                    genesisPath: genesis),
                expectedPoolId: fixture.poolIdHex, metricsURL: "http://127.0.0.1:\(port)/metrics", interval: .seconds(1)),
            metrics: CredentialMetrics(registry: PrometheusCollectorRegistry(), config: config),
            clock: SystemMonotonicClock(), logger: Logger(label: "test"))
        var seen: [CredentialInspection] = []
        for _ in 0..<5 {
            await inspector.refresh()
            seen.append(try #require(inspector.inspection))
        }
        #expect(seen.allSatisfy { $0 == seen[0] }, "the inspection changed between passes: \(seen.map { $0.message ?? "" })")
        let inspection = seen[0]
        #expect(inspection.verdict == .unknown && inspection.reason == "SlotUnknown")
        #expect(inspection.message == "current slot unknown (node metrics http://127.0.0.1:\(port)/metrics unreachable): KES expiry unknown")
        #expect(inspection.issueCounter == 3 && inspection.kesEndPeriod == 10 && inspection.poolIdMatches == true)
    }
}
