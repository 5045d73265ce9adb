import FoundationEssentials
import ForgeCore

/// `coordination.k8s.io/v1` Lease. Read, modified and written back with compare-and-swap,
/// so unknown spec fields (e.g. `preferredHolder`, `strategy`) are carried through unchanged.
public struct Lease: KubeObject, Equatable {
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: LeaseSpec

    public init(metadata: ObjectMeta, spec: LeaseSpec = LeaseSpec()) {
        self.apiVersion = "coordination.k8s.io/v1"
        self.kind = "Lease"
        self.metadata = metadata
        self.spec = spec
    }

    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) ?? "coordination.k8s.io/v1"
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? "Lease"
        metadata = try c.decode(ObjectMeta.self, forKey: .metadata)
        spec = try c.decodeIfPresent(LeaseSpec.self, forKey: .spec) ?? LeaseSpec()
    }
}

/// `LeaseSpec`. Times are MicroTime strings ("2006-01-02T15:04:05.000000Z"), see `MicroTime`.
public struct LeaseSpec: Codable, Equatable, Sendable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    public var acquireTime: String?
    public var renewTime: String?
    public var leaseTransitions: Int?
    /// Every other spec field, carried through unchanged on update.
    public var extra: [String: JSONValue]

    public init(
        holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: String? = nil,
        renewTime: String? = nil, leaseTransitions: Int? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
        self.extra = [:]
    }

    private static let known: Set<String> = [
        "holderIdentity", "leaseDurationSeconds", "acquireTime", "renewTime", "leaseTransitions",
    ]

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: DynamicKey.self)
        holderIdentity = try c.decodeIfPresent(String.self, forKey: DynamicKey("holderIdentity"))
        leaseDurationSeconds = try c.decodeIfPresent(Int.self, forKey: DynamicKey("leaseDurationSeconds"))
        acquireTime = try c.decodeIfPresent(String.self, forKey: DynamicKey("acquireTime"))
        renewTime = try c.decodeIfPresent(String.self, forKey: DynamicKey("renewTime"))
        leaseTransitions = try c.decodeIfPresent(Int.self, forKey: DynamicKey("leaseTransitions"))
        var extra: [String: JSONValue] = [:]
        for key in c.allKeys where !Self.known.contains(key.stringValue) {
            extra[key.stringValue] = try c.decode(JSONValue.self, forKey: key)
        }
        self.extra = extra
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        // A cleared holder is written as absent, which is how client-go releases a lease.
        try c.encodeIfPresent(holderIdentity, forKey: DynamicKey("holderIdentity"))
        try c.encodeIfPresent(leaseDurationSeconds, forKey: DynamicKey("leaseDurationSeconds"))
        try c.encodeIfPresent(acquireTime, forKey: DynamicKey("acquireTime"))
        try c.encodeIfPresent(renewTime, forKey: DynamicKey("renewTime"))
        try c.encodeIfPresent(leaseTransitions, forKey: DynamicKey("leaseTransitions"))
        for (key, value) in extra where !Self.known.contains(key) {
            try c.encode(value, forKey: DynamicKey(key))
        }
    }
}

/// A coding key for objects whose field set is open.
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
