import ForgeCore

/// Whether the pool's CardanoForgeCluster lets this region forge.
struct ClusterPermission: Equatable, Sendable {
    var allowed: Bool
    var reason: String

    static func allowed(_ reason: String) -> ClusterPermission { .init(allowed: true, reason: reason) }
    static func denied(_ reason: String) -> ClusterPermission { .init(allowed: false, reason: reason) }
}

protocol ClusterPermissionSource: Sendable {
    func permission(at now: MonotonicInstant) -> ClusterPermission
}

/// ENABLE_CLUSTER_MANAGEMENT=false: the Lease alone decides, as in the predecessor.
struct ImpliedClusterPermission: ClusterPermissionSource {
    func permission(at now: MonotonicInstant) -> ClusterPermission {
        .allowed("cluster management disabled")
    }
}
