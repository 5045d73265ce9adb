import ForgeCore
import Foundation
import KubeClient
import Logging
import Testing
import TestSupport

/// EventRecorder against the API emulator: events.k8s.io/v1 create, series patches, the
/// per-object rate limit, and the core/v1 view `kubectl describe` reads.
@Suite(.serialized) struct EventRecorderTests {
    static let cfc = EventObjectReference(apiVersion: "cardano.io/v1", kind: "CardanoForgeCluster",
                                          namespace: "default", name: "mainnet-pool1-us", uid: "uid-1")

    static func coreEvents(_ client: KubernetesClient, name: String) async throws -> [[String: JSONValue]] {
        let list = try await client.list(ResourceType(group: "", version: "v1", plural: "events"), namespace: "default",
                                         options: ListOptions(fieldSelector: "involvedObject.name=\(name)"), as: JSONValue.self)
        return list.items.compactMap { if case .object(let item) = $0 { return item } else { return nil } }
    }

    @Test("a repeated event is one Event with a series count; kubectl's core/v1 view shows it")
    func series() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client()
        let clock = ManualClock()
        let recorder = EventRecorder(client: client, controller: "cardano.io/forge-aggregator", instance: "agg-0",
                                     clock: clock, logger: Logger(label: "events"))
        for _ in 0..<5 {
            await recorder.record(regarding: Self.cfc, type: .normal, reason: "RegionAllowed", action: "Decide",
                                  note: "us may forge (BestRanked)")
        }
        let (created, patchedBefore) = (await recorder.created, await recorder.patched)
        #expect(created == 1 && patchedBefore == 1, "the first repeat starts the series at once")
        clock.advance(by: .seconds(31))
        await recorder.flush()
        #expect(await recorder.patched == 2)
        let events = try await Self.coreEvents(client, name: Self.cfc.name)
        #expect(events.count == 1)
        #expect(events.first?["count"] == .number(5) && events.first?["reason"] == .string("RegionAllowed"))
        #expect(events.first?["message"] == .string("us may forge (BestRanked)"))
    }

    @Test("a flapping object is rate limited: 25 Events, the rest dropped and counted")
    func rateLimit() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client()
        let recorder = EventRecorder(client: client, controller: "cardano.io/forge-reporter", instance: "bp-0",
                                     clock: ManualClock(), logger: Logger(label: "events"))
        let pod = EventObjectReference(apiVersion: "v1", kind: "Pod", namespace: "default", name: "bp-0", uid: "p-1")
        for index in 0..<40 {
            await recorder.record(regarding: pod, type: .warning, reason: "Fenced", action: "Fence", note: "flap \(index)")
        }
        let (created, dropped) = (await recorder.created, await recorder.dropped)
        #expect(created == 25 && dropped == 15)
        #expect(try await Self.coreEvents(client, name: "bp-0").count == 25)
    }
}
