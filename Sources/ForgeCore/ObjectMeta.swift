/// Kubernetes `metadata`, with the fields this project reads typed and every other field kept
/// verbatim in `extra`, so an object read and written back (a Lease update) loses nothing
/// (ownerReferences, finalizers, managedFields, ...).
public struct ObjectMeta: Codable, Equatable, Sendable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    /// Every other metadata field, carried through unchanged.
    public var extra: [String: JSONValue]

    public init(
        name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil,
        annotations: [String: String]? = nil, resourceVersion: String? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.resourceVersion = resourceVersion
        self.extra = [:]
    }

    private enum Known: String, CaseIterable {
        case name, generateName, namespace, uid, resourceVersion, generation
        case creationTimestamp, deletionTimestamp, labels, annotations
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        func get<T: Decodable>(_ key: Known, _ type: T.Type) throws -> T? {
            try c.decodeIfPresent(T.self, forKey: AnyKey(stringValue: key.rawValue))
        }
        name = try get(.name, String.self)
        generateName = try get(.generateName, String.self)
        namespace = try get(.namespace, String.self)
        uid = try get(.uid, String.self)
        resourceVersion = try get(.resourceVersion, String.self)
        generation = try get(.generation, Int64.self)
        creationTimestamp = try get(.creationTimestamp, String.self)
        deletionTimestamp = try get(.deletionTimestamp, String.self)
        labels = try get(.labels, [String: String].self)
        annotations = try get(.annotations, [String: String].self)
        let known = Set(Known.allCases.map(\.rawValue))
        var extra: [String: JSONValue] = [:]
        for key in c.allKeys where !known.contains(key.stringValue) {
            extra[key.stringValue] = try c.decode(JSONValue.self, forKey: key)
        }
        self.extra = extra
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        func put<T: Encodable>(_ key: Known, _ value: T?) throws {
            try c.encodeIfPresent(value, forKey: AnyKey(stringValue: key.rawValue))
        }
        try put(.name, name)
        try put(.generateName, generateName)
        try put(.namespace, namespace)
        try put(.uid, uid)
        try put(.resourceVersion, resourceVersion)
        try put(.generation, generation)
        try put(.creationTimestamp, creationTimestamp)
        try put(.deletionTimestamp, deletionTimestamp)
        try put(.labels, labels)
        try put(.annotations, annotations)
        for (key, value) in extra {
            try c.encode(value, forKey: AnyKey(stringValue: key))
        }
    }
}
