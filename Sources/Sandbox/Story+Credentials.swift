import ForgeCore
import Foundation
import KubeClient
import TestSupport

/// (6) Credentials that cannot forge: eu-west-1's Secret gets another pool's keys. Its
/// reporters say so on every pod, its aggregator refuses the region (`CredentialsNotUsable`)
/// and exports the series the credential alerts read; then the right keys come back.
extension Story {
    func wrongCertificate() async throws {
        let region = RegionSpec.secondary
        guard let ours = system.credentials else { throw SandboxError("the sandbox has no credentials") }
        let other = try CredentialFixture.generate()
        display.event("(6) eu-west-1's Secret now holds another pool's KES key and certificate (pool \(other.poolIdHex.prefix(12))…); its maintenance override is lifted")
        for pod in system.pods where pod.region.name == region.name {
            try other.writeSecret(to: pod.secretsDirectory, counter: 1, kesPeriod: 0)
        }
        let lift: [String: Any] = ["spec": ["override": ["enabled": false]]]
        _ = try await system.client.patch(
            .cardanoForgeClusters, namespace: region.namespace, name: region.clusterName,
            patch: try JSONSerialization.data(withJSONObject: lift), patchType: .merge, as: JSONValue.self)
        var refused: CardanoForgeClusterStatus?
        try await eventually(timeout: .seconds(30), poll: .milliseconds(250), "eu-west-1 refused for its certificate") {
            let cluster = try await system.client.get(.cardanoForgeClusters, namespace: region.namespace,
                                                      name: region.clusterName, as: CardanoForgeCluster.self)
            refused = cluster.status
            return cluster.status?.reason == "CredentialsNotUsable"
                && cluster.status?.conditions?.first { $0.type == "CredentialsReady" }?.reason == "WrongPool"
        }
        let condition = refused?.conditions?.first { $0.type == "CredentialsReady" }
        display.event("    eu-west-1: reason CredentialsNotUsable; CredentialsReady=\(condition?.status ?? "?") \(condition?.reason ?? "?"): \(condition?.message ?? "")")
        let metrics = try await aggregatorMetrics(region)
        let firing = ["cardano_credentials_pool_id_match": "CardanoCredentialsWrongPool",
                      "cardano_credentials_usable": "CardanoCredentialsNotUsable"]
        for (series, alert) in firing.sorted(by: { $0.key < $1.key }) {
            guard let line = metrics.split(separator: "\n").first(where: { $0.hasPrefix(series + "{") && $0.contains("region=\"\(region.name)\"") }) else {
                throw SandboxError("the eu-west-1 aggregator exports no \(series)")
            }
            guard line.split(separator: " ").last.flatMap({ Double($0) }) == 0 else {
                throw SandboxError("expected \(series) 0, got \(line)")
            }
            display.event("    \(line)  => \(alert)'s expression holds: the alert fires (critical)")
        }
        let forging = try system.forgingPods()
        guard forging.count == 1, forging[0].region.name == RegionSpec.primary.name else {
            throw SandboxError("expected us-east-1 to keep forging, found \(forging.map(\.name))")
        }
        display.event("    us-east-1 keeps forging (\(forging[0].name)); eu-west-1 cannot take over with these keys")

        display.event("    the right keys back into eu-west-1's Secret")
        for pod in system.pods where pod.region.name == region.name {
            try ours.writeSecret(to: pod.secretsDirectory, counter: 1, kesPeriod: 0)
        }
        try await eventually(timeout: .seconds(30), poll: .milliseconds(250), "eu-west-1's credentials agree again") {
            let cluster = try await system.client.get(.cardanoForgeClusters, namespace: region.namespace,
                                                      name: region.clusterName, as: CardanoForgeCluster.self)
            return cluster.status?.credentials?.consistent == true && cluster.status?.credentials?.usable == true
                && cluster.status?.reason != "CredentialsNotUsable"
        }
        display.event("    eu-west-1: credentials usable and consistent with us-east-1 again")
    }

    private func aggregatorMetrics(_ region: RegionSpec) async throws -> String {
        guard let aggregator = system.aggregators.first(where: { $0.region.name == region.name }) else {
            throw SandboxError("no aggregator for \(region.name)")
        }
        let result = await HTTPProbe.get(url: "http://127.0.0.1:\(aggregator.port)/metrics", timeout: .seconds(5), maxBodyBytes: 1 << 20)
        guard result.isSuccess else { throw SandboxError("GET /metrics of the \(region.name) aggregator: \(result.error ?? "HTTP \(result.status ?? 0)")") }
        return String(decoding: result.body, as: UTF8.self)
    }
}
