/// One term of a region's aggregator: the Lease it holds (its HA election Lease, which is also
/// the region's liveness signal), the holder, and when that holder acquired it. Every status the
/// aggregator writes carries the term it was written in (`status.writtenBy`).
///
/// Why the status names its term: the region's liveness is the Lease being renewed, not the
/// status being rewritten. Without the binding, an aggregator that comes back (restart, or a
/// replica re-acquiring after a step-down) would make every status it has *not yet rewritten* —
/// possibly an old `forgingEnabled: true` from before a peer region took over — count as live
/// again. A reporter therefore only trusts a status whose term it has seen renewed recently;
/// a new term has to rewrite a status before that status counts. `acquireTime` is compared for
/// equality only (an identifier of the term), never as a time.
public struct AggregatorTerm: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Name of the Lease, in the CardanoForgeCluster's namespace.
    public var lease: String
    public var holder: String
    public var acquireTime: String

    public init(lease: String, holder: String, acquireTime: String) {
        self.lease = lease; self.holder = holder; self.acquireTime = acquireTime
    }

    /// The term a Lease record describes, or nil if nobody holds it.
    public init?(lease: String, record: LeaseRecord) {
        guard let holder = record.holderIdentity, !holder.isEmpty else { return nil }
        self.init(lease: lease, holder: holder, acquireTime: record.acquireTime ?? "")
    }

    public var description: String { "\(lease):\(holder)@\(acquireTime)" }
}
