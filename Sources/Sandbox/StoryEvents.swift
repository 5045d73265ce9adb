import ForgeCore
import KubeClient

/// The end of the story as `kubectl describe cfc` shows it: the CardanoForgeCluster Events
/// the aggregators wrote (core/v1 view of events.k8s.io/v1), by first occurrence. A repeat
/// (same reason and note within 6 minutes) is the first Event with a higher count, as
/// `kubectl describe` shows it ("x2").
extension Story {
    struct ToldEvent {
        let time: String
        let type: String
        let reason: String
        let message: String
        let count: Int
    }

    static func clusterEvents(_ client: KubernetesClient, _ region: RegionSpec) async throws -> [ToldEvent] {
        let list = try await client.list(
            ResourceType(group: "", version: "v1", plural: "events"), namespace: region.namespace,
            options: ListOptions(fieldSelector: "involvedObject.name=\(region.clusterName),involvedObject.kind=CardanoForgeCluster"),
            as: JSONValue.self)
        return list.items.compactMap { item -> ToldEvent? in
            guard case .object(let event) = item, case .string(let time)? = event["eventTime"],
                  case .string(let reason)? = event["reason"] else { return nil }
            var type = "", message = "", count = 1
            if case .string(let text)? = event["type"] { type = text }
            if case .string(let text)? = event["message"] { message = text }
            if case .number(let value)? = event["count"] { count = Int(value) }
            return ToldEvent(time: time, type: type, reason: reason, message: message, count: count)
        }.sorted { $0.time < $1.time }
    }

    /// Prints each region's Events; the failover the story caused must be among them
    /// (health failing, then forging withdrawn, in that order, in the primary region).
    func showClusterEvents(client: KubernetesClient) async throws -> [String] {
        var problems: [String] = []
        for region in RegionSpec.all {
            let told = try await Self.clusterEvents(client, region)
            log("kubectl -n \(region.namespace) describe cfc \(region.clusterName): \(told.count) Events")
            // A repeat within the series window is one Event with a count, as kubectl shows it.
            for event in told {
                log("    \(event.type) \(event.reason)\(event.count > 1 ? " (x\(event.count))" : ""): \(event.message)")
            }
            if region.name == RegionSpec.primary.name {
                let reasons = told.map(\.reason)
                guard let failing = reasons.firstIndex(of: "HealthCheckFailing"),
                      reasons[failing...].contains("RegionWithdrawn") else {
                    problems.append("\(region.clusterName): Events do not tell the health failover (got \(reasons))")
                    continue
                }
            }
        }
        return problems
    }
}
