import ForgeCore

extension AggregatorEngine {
    /// What the engine keeps of a CardanoForgeCluster an informer delivered (ours or a
    /// peer's). Untyped metadata (`managedFields`, `ownerReferences`, ...) is dropped: it is
    /// never read, and never written back (status writes are merge patches). The echo of our
    /// own status write shares the copy we already hold as `lastWritten` instead of keeping a
    /// second, equal one: at 1 000 pools each status carries every pod's entry.
    func kept(_ incoming: CardanoForgeCluster, source: String) -> CardanoForgeCluster {
        var cluster = incoming
        cluster.metadata.extra = [:]
        if source == Self.localSource, let written = lastWritten[cluster.name], written.value == cluster.status {
            cluster.sharedStatus = written
        }
        return cluster
    }
}
