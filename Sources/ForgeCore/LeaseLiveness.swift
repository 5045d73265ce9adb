/// Signs of life of one named Lease (a region's aggregator Lease), on the observer's own
/// monotonic clock.
///
/// A sign of life is an observed *change* of the Lease (a new resourceVersion) while it names
/// a holder: a renewal or an acquisition. The first observation after (re)starting is only a
/// baseline: a Lease last renewed an hour ago by a dead aggregator looks exactly like a live
/// one in a single read, so life is claimed only once we have seen it move. A release (no
/// holder) or a deletion is not life; it revokes nothing either — the staleness clock keeps
/// running from the last renewal, so a rolling update of the aggregator (release, then the
/// other replica acquires) costs nothing.
///
/// Life is kept per term (`AggregatorTerm`): a reporter trusts a status only while the term
/// that wrote it is alive.
public struct LeaseLiveness: Sendable {
    /// The last observation: its version and term (nil term: nobody holds it).
    public private(set) var lastVersion: String?
    public private(set) var currentTerm: AggregatorTerm?
    /// When each recent term last showed life. Only a few terms are kept (older ones have
    /// long gone stale anyway).
    private var lifeByTerm: [AggregatorTerm: MonotonicInstant] = [:]
    private var termOrder: [AggregatorTerm] = []
    /// The last sign of life of any term.
    public private(set) var lastLife: MonotonicInstant?
    public private(set) var observed = false
    private static let termsKept = 4

    public init() {}

    /// Records one observation of the Lease (nil: it does not exist).
    public mutating func observe(lease name: String, record: LeaseRecord?, at now: MonotonicInstant) {
        let version = record?.resourceVersion
        let term = record.flatMap { AggregatorTerm(lease: name, record: $0) }
        defer { observed = true; lastVersion = version; currentTerm = term }
        guard observed, version != lastVersion, let term else { return }
        lastLife = now
        if lifeByTerm.updateValue(now, forKey: term) == nil {
            termOrder.append(term)
            if termOrder.count > Self.termsKept { lifeByTerm.removeValue(forKey: termOrder.removeFirst()) }
        }
    }

    /// When `term` last showed life, if we saw it do so.
    public func lastLife(of term: AggregatorTerm) -> MonotonicInstant? { lifeByTerm[term] }

    /// Forgets everything (the Lease name changed): the next observation is a baseline again.
    public mutating func reset() { self = LeaseLiveness() }
}
