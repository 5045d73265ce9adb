import FoundationEssentials

/// The election-relevant part of a `coordination.k8s.io/v1` Lease: its spec plus the
/// resourceVersion that makes every write a compare-and-swap.
///
/// Times are kept as the MicroTime strings the API server stores. They are informational only:
/// no decision ever compares them with a clock (clocks of different hosts disagree, and ours may
/// jump). Expiry is judged from when this process saw the record change (`LeaseElection`).
public struct LeaseRecord: Equatable, Sendable, CustomStringConvertible {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    public var acquireTime: String?
    public var renewTime: String?
    public var leaseTransitions: Int?
    /// `metadata.resourceVersion` of the object this record was read from (or written as).
    public var resourceVersion: String?

    public init(
        holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: String? = nil,
        renewTime: String? = nil, leaseTransitions: Int? = nil, resourceVersion: String? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
        self.resourceVersion = resourceVersion
    }

    /// The holder, with the empty string (how client-go writes a released lease) read as none.
    public var holder: String? {
        guard let holderIdentity, !holderIdentity.isEmpty else { return nil }
        return holderIdentity
    }

    public var description: String {
        "holder=\(holder ?? "<none>") transitions=\(leaseTransitions ?? 0) "
            + "duration=\(leaseDurationSeconds.map { "\($0)s" } ?? "unset") rv=\(resourceVersion ?? "-")"
    }
}

extension LeaseRecord {
    /// Kubernetes `MicroTime` text: RFC 3339 in UTC with exactly six fractional digits
    /// ("2006-01-02T15:04:05.000000Z"). (KubeClient has its own `MicroTime`; this one keeps
    /// ForgeCore free of that dependency and the two names from colliding.)
    public static func microTime(_ date: Date) -> String {
        RFC3339.formatMicros(date)
    }
}
