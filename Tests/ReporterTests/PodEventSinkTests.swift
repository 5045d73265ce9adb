import ForgeCore
import Foundation
import KubeClient
import Logging
import Testing
import TestSupport
@testable import Reporter

/// The reporter's pod events, against the emulator: in order, on the pod (with its uid, which
/// `kubectl describe pod` filters by), repeats as one Event with a series count.
@Suite(.serialized) struct PodEventSinkTests {
    @Test func eventsAreToldInOrderOnThePod() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client()
        let pod = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bp-0","namespace":"default"},"spec":{"containers":[{"name":"c","image":"i"}]}}"#
        let (code, body) = try await client.send(method: "POST", path: ResourceType.pods.path(namespace: "default"),
                                                 body: Data(pod.utf8), contentType: "application/json")
        #expect(code == 201)
        let uid = try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any]).flatMap {
            ($0["metadata"] as? [String: Any])?["uid"] as? String })

        let sink = PodEventSink(client: client, namespace: "default", pod: "bp-0", logger: Logger(label: "events"))
        let running = Task { await sink.run() }
        defer { running.cancel() }
        sink.leaseAcquired(lease: "cardano-leader-mainnet-pool1")
        sink.keysInstalled()
        sink.forgingEnabled(confirmedBy: "sighup-log")
        sink.fenced(lease: "cardano-leader-mainnet-pool1")
        sink.keysRemoved(why: "fenced")
        sink.forgingDisabled(why: "fenced")
        sink.leaseLost(lease: "cardano-leader-mainnet-pool1", why: "renew deadline passed")
        sink.nodeRestarted(detail: "pid 10 -> 11")
        sink.credentialProblem("KES key expired")
        sink.credentialProblem("KES key expired")

        var reasons: [String] = []
        var counts: [Int] = []
        try await eventually(timeout: .seconds(10), "nine Events on the pod") {
            let list = try await client.list(
                ResourceType(group: "", version: "v1", plural: "events"), namespace: "default",
                options: ListOptions(fieldSelector: "involvedObject.name=bp-0,involvedObject.kind=Pod,involvedObject.uid=\(uid)"),
                as: JSONValue.self)
            let events: [(String, String, Int)] = list.items.compactMap { item in
                guard case .object(let e) = item, case .string(let time)? = e["eventTime"], case .string(let reason)? = e["reason"],
                      case .number(let count)? = e["count"] else { return nil }
                return (time, reason, Int(count))
            }.sorted { $0.0 < $1.0 }
            reasons = events.map(\.1)
            counts = events.map(\.2)
            return events.count == 9
        }
        #expect(reasons == ["LeaseAcquired", "KeysInstalled", "ForgingEnabled", "Fenced", "KeysRemoved", "ForgingDisabled",
                            "LeaseLost", "NodeRestarted", "CredentialProblem"])
        try await eventually(timeout: .seconds(10), "the repeated CredentialProblem is one Event with count 2") {
            let list = try await client.list(
                ResourceType(group: "", version: "v1", plural: "events"), namespace: "default",
                options: ListOptions(fieldSelector: "involvedObject.name=bp-0,reason=CredentialProblem"), as: JSONValue.self)
            guard list.items.count == 1, case .object(let event) = list.items[0] else { return false }
            return event["count"] == .number(2)
        }
        #expect(counts.count == 9)
    }
}
