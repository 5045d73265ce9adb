import ForgeCore
import Foundation
import KubeClient

/// Where the aggregator's status writes go. Behind a protocol so the engine is exercised
/// against the real API (emulator) in integration tests and the write path stays one place.
protocol StatusSink: Sendable {
    /// Merge-patches `/status` of a CardanoForgeCluster; returns the stored object, or nil
    /// if it no longer exists.
    func patchClusterStatus(name: String, patch: Data) async throws -> CardanoForgeCluster?
    /// Merge-patches `/status` of a CardanoLeader; false if it does not exist (the chart
    /// creates it; the aggregator never does).
    func patchLeaderStatus(name: String, patch: Data) async throws -> Bool
}

struct KubeStatusSink: StatusSink {
    let client: KubernetesClient
    let namespace: String

    func patchClusterStatus(name: String, patch: Data) async throws -> CardanoForgeCluster? {
        do {
            return try await client.patch(.cardanoForgeClusters, namespace: namespace, name: name, patch: patch,
                                          patchType: .merge, subresource: "status", as: CardanoForgeCluster.self)
        } catch let error as KubeAPIError where error.isNotFound {
            return nil
        }
    }

    func patchLeaderStatus(name: String, patch: Data) async throws -> Bool {
        do {
            _ = try await client.patch(.cardanoLeaders, namespace: namespace, name: name, patch: patch,
                                       patchType: .merge, subresource: "status", as: CardanoLeader.self)
            return true
        } catch let error as KubeAPIError where error.isNotFound {
            return false
        }
    }
}

extension CardanoForgeCluster: KubeObject {}
extension CardanoLeader: KubeObject {}
