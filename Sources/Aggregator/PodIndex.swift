import ForgeCore

/// The pods by label pair and by the pool their report names, kept up to date as pod events
/// arrive, so selecting the pods of many CardanoForgeClusters costs a lookup per cluster
/// rather than a pass over every pod. Kept by the engine next to `pods` (the snapshots are
/// shared references, not copies); rebuilt after a relist.
struct PodIndex: Sendable {
    private(set) var byLabel: [String: [String: PodSnapshot]] = [:]
    private(set) var byPool: [PoolKey: [String: PodSnapshot]] = [:]

    init() {}

    init<S: Sequence>(pods: S) where S.Element == PodSnapshot {
        for pod in pods { insert(pod) }
    }

    mutating func insert(_ pod: PodSnapshot) {
        for (key, value) in pod.labels { byLabel[Self.pair(key, value), default: [:]][pod.name] = pod }
        if let pool = Self.pool(of: pod) { byPool[pool, default: [:]][pod.name] = pod }
    }

    /// Removes exactly what `insert(pod)` added (pass the snapshot that was inserted).
    mutating func remove(_ pod: PodSnapshot) {
        for (key, value) in pod.labels {
            let pair = Self.pair(key, value)
            byLabel[pair]?.removeValue(forKey: pod.name)
            if byLabel[pair]?.isEmpty == true { byLabel.removeValue(forKey: pair) }
        }
        if let pool = Self.pool(of: pod) {
            byPool[pool]?.removeValue(forKey: pod.name)
            if byPool[pool]?.isEmpty == true { byPool.removeValue(forKey: pool) }
        }
    }

    /// The pods whose report names `pool`.
    func pods(of pool: PoolKey) -> [PodSnapshot] { byPool[pool].map { Array($0.values) } ?? [] }

    /// A superset of the pods `selector` matches, from its rarest matchLabels pair; nil when
    /// the selector has no matchLabels (every pod is a candidate).
    func candidates(for selector: LabelSelector) -> [PodSnapshot]? {
        guard let labels = selector.matchLabels, !labels.isEmpty else { return nil }
        let buckets = labels.map { byLabel[Self.pair($0.key, $0.value)] }
        guard let rarest = buckets.min(by: { ($0?.count ?? 0) < ($1?.count ?? 0) }) else { return nil }
        return rarest.map { Array($0.values) } ?? []
    }

    private static func pair(_ key: String, _ value: String) -> String { "\(key)=\(value)" }

    private static func pool(of pod: PodSnapshot) -> PoolKey? {
        guard case .success(let report)? = pod.report, let network = report.network, let id = report.poolId else { return nil }
        return PoolKey(network: network, poolId: id)
    }
}
