import ForgeCore
import FoundationEssentials
import KubeClient

/// Where the aggregator's status writes go. Behind a protocol so the engine is exercised
/// against the real API (emulator) in integration tests and the write path stays one place.
protocol StatusSink: Sendable {
    /// Merge-patches `/status` of a CardanoForgeCluster; returns the stored object, or nil
    /// if it no longer exists. A patch carrying a stale `metadata.resourceVersion` throws a
    /// `KubeAPIError` whose `isConflict` is true.
    func patchClusterStatus(name: String, patch: Data) async throws -> CardanoForgeCluster?
    /// Merge-patches `/status` of a CardanoLeader; the stored object, or nil if it does not
    /// exist (the chart creates it; the aggregator never does). Conflicts as above.
    func patchLeaderStatus(name: String, patch: Data) async throws -> CardanoLeader?
    /// The stored objects (nil: gone), re-read after a conflict.
    func getCluster(name: String) async throws -> CardanoForgeCluster?
    func getLeader(name: String) async throws -> CardanoLeader?
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

    func patchLeaderStatus(name: String, patch: Data) async throws -> CardanoLeader? {
        do {
            return try await client.patch(.cardanoLeaders, namespace: namespace, name: name, patch: patch,
                                          patchType: .merge, subresource: "status", as: CardanoLeader.self)
        } catch let error as KubeAPIError where error.isNotFound {
            return nil
        }
    }

    func getCluster(name: String) async throws -> CardanoForgeCluster? {
        do {
            return try await client.get(.cardanoForgeClusters, namespace: namespace, name: name, as: CardanoForgeCluster.self)
        } catch let error as KubeAPIError where error.isNotFound {
            return nil
        }
    }

    func getLeader(name: String) async throws -> CardanoLeader? {
        do {
            return try await client.get(.cardanoLeaders, namespace: namespace, name: name, as: CardanoLeader.self)
        } catch let error as KubeAPIError where error.isNotFound {
            return nil
        }
    }
}

extension CardanoForgeCluster: KubeObject {}
extension CardanoLeader: KubeObject {}
