import ForgeCore
import Foundation
import KubeClient

/// What the live view shows, read through the API as an operator would see it: each pod's
/// forge report annotation and each CardanoForgeCluster's status (kubectl's columns).
struct ClusterSnapshot {
    struct PodRow {
        var region, pod, phase, leader: String
        var forging, fresh: Bool
        var processes: String
    }
    struct ClusterRow {
        var namespace, name, network, pool, region, state, priority, leader, forging, pods, healthy, kesDays, credsAgree: String
    }
    var pods: [PodRow] = []
    var clusters: [ClusterRow] = []
    var error: String?

    func forgingEnabled(_ region: RegionSpec) -> Bool? {
        clusters.first { $0.region == region.name }.map { $0.forging == "true" }
    }
}

enum ClusterView {
    static func snapshot(_ system: SandboxSystem) async -> ClusterSnapshot {
        var snapshot = ClusterSnapshot()
        do {
            for region in system.regions {
                let pods = try await list(system.client, ResourceType.pods.path(namespace: region.namespace))
                for object in pods {
                    let name = string(object, "metadata", "name")
                    let annotation = (value(object, "metadata", "annotations") as? [String: Any])?[ForgeReport.annotationKey] as? String
                    let report = annotation.flatMap { try? ForgeReport.decode(annotation: $0).get() }
                    let fresh = report?.reportedAt.flatMap(parseTime).map { Date().timeIntervalSince($0) < 10 } ?? false
                    let pod = system.pod(named: name)
                    let processes = pod.map { p in
                        [("node", p.node), ("reporter", p.reporter), ("guard", p.guardian)]
                            .map { $0.1.isRunning ? $0.0 : "\($0.0):down" }.joined(separator: " ")
                    } ?? "-"
                    snapshot.pods.append(.init(
                        region: region.name, pod: name, phase: report?.phase.rawValue ?? "-",
                        leader: report?.leadership.holder ?? "-", forging: report?.forging.enabled ?? false,
                        fresh: fresh, processes: processes))
                }
                let (status, body) = try await system.client.send(
                    method: "GET", path: ResourceType.cardanoForgeClusters.path(namespace: region.namespace))
                guard status == 200 else { throw SandboxError("listing CardanoForgeClusters: HTTP \(status)") }
                for item in try JSONDecoder().decode(ForgeClusterList.self, from: body).items {
                    func text<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "" }
                    snapshot.clusters.append(.init(
                        namespace: region.namespace, name: item.metadata.name, network: text(item.spec.network?.name),
                        pool: text(item.spec.pool?.ticker), region: text(item.spec.region),
                        state: text(item.status?.effectiveState), priority: text(item.status?.effectivePriority),
                        leader: text(item.status?.activeLeader), forging: text(item.status?.forgingEnabled),
                        pods: text(item.status?.freshPods), healthy: text(item.status?.healthStatus?.healthy),
                        kesDays: text(item.status?.credentials?.kesDaysLeft),
                        credsAgree: text(item.status?.credentials?.consistent)))
                }
            }
        } catch {
            snapshot.error = "\(error)"
        }
        return snapshot
    }

    /// Two tables: the pods (from their reports) and the CRs as `kubectl get cfc -A` prints them.
    static func render(_ s: ClusterSnapshot) -> String {
        var out = table(["REGION", "POD", "PHASE", "LEADER", "FORGING", "FRESH", "PROCESSES"],
                        s.pods.map { [$0.region, $0.pod, $0.phase, $0.leader, $0.forging ? "yes" : "no", $0.fresh ? "yes" : "no", $0.processes] })
        out += "\n$ kubectl get cardanoforgeclusters -A\n"
        out += table(["NAMESPACE", "NAME", "NETWORK", "POOL", "REGION", "STATE", "PRIORITY", "LEADER", "FORGING", "PODS", "HEALTHY", "KES DAYS", "CREDS AGREE"],
                     s.clusters.map { [$0.namespace, $0.name, $0.network, $0.pool, $0.region, $0.state, $0.priority, $0.leader, $0.forging, $0.pods, $0.healthy, $0.kesDays, $0.credsAgree] })
        if let error = s.error { out += "(API error: \(error))\n" }
        return out
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "   ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    private static func list(_ client: KubernetesClient, _ path: String) async throws -> [[String: Any]] {
        let (status, body) = try await client.send(method: "GET", path: path)
        guard status == 200, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw SandboxError("GET \(path): HTTP \(status)")
        }
        return (object["items"] as? [[String: Any]] ?? []).sorted { string($0, "metadata", "name") < string($1, "metadata", "name") }
    }

    private static func value(_ object: [String: Any], _ path: String...) -> Any? { value(object, path) }
    private static func value(_ object: [String: Any], _ path: [String]) -> Any? {
        var current: Any? = object
        for key in path { current = (current as? [String: Any])?[key] }
        return current
    }
    private static func string(_ object: [String: Any], _ path: String...) -> String { value(object, path) as? String ?? "" }

    private static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// The CardanoForgeCluster fields the view prints (the printer columns of the CRD).
private struct ForgeClusterList: Decodable {
    struct Item: Decodable {
        struct Meta: Decodable { var name: String }
        struct Named: Decodable { var name: String?; var ticker: String? }
        struct Spec: Decodable { var network: Named?; var pool: Named?; var region: String? }
        struct Health: Decodable { var healthy: Bool? }
        struct Status: Decodable {
            var effectiveState: String?; var effectivePriority: Int?; var activeLeader: String?
            var forgingEnabled: Bool?; var freshPods: Int?; var healthStatus: Health?
            var credentials: Credentials?
        }
        struct Credentials: Decodable { var kesDaysLeft: Int?; var consistent: Bool? }
        var metadata: Meta; var spec: Spec; var status: Status?
    }
    var items: [Item]
}
