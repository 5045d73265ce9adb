import FoundationEssentials

/// Where a kind of object lives in the API: `/api/v1/...` for the core group, otherwise
/// `/apis/{group}/{version}/...`, with `/namespaces/{ns}` for namespaced resources.
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    public let group: String
    public let version: String
    public let plural: String
    public let namespaced: Bool

    public init(group: String, version: String, plural: String, namespaced: Bool = true) {
        self.group = group
        self.version = version
        self.plural = plural
        self.namespaced = namespaced
    }

    public static let pods = ResourceType(group: "", version: "v1", plural: "pods")
    public static let namespaces = ResourceType(group: "", version: "v1", plural: "namespaces", namespaced: false)
    public static let leases = ResourceType(group: "coordination.k8s.io", version: "v1", plural: "leases")
    public static let events = ResourceType(group: "events.k8s.io", version: "v1", plural: "events")
    public static let customResourceDefinitions = ResourceType(
        group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", namespaced: false)
    public static let cardanoForgeClusters = ResourceType(group: "cardano.io", version: "v1", plural: "cardanoforgeclusters")
    public static let cardanoLeaders = ResourceType(group: "cardano.io", version: "v1", plural: "cardanoleaders")

    /// The request path. `namespace` is ignored for cluster-scoped resources; a nil namespace
    /// on a namespaced resource addresses all namespaces (list/watch).
    public func path(namespace: String?, name: String? = nil, subresource: String? = nil) -> String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace, !namespace.isEmpty {
            path += "/namespaces/\(escapePathSegment(namespace))"
        }
        path += "/\(plural)"
        if let name {
            path += "/\(escapePathSegment(name))"
            if let subresource { path += "/\(escapePathSegment(subresource))" }
        }
        return path
    }

    public var description: String { group.isEmpty ? "\(version)/\(plural)" : "\(group)/\(version)/\(plural)" }
}

/// Percent-encodes every byte but the unreserved characters (RFC 3986: ALPHA DIGIT - . _ ~), so
/// names, selectors and tokens survive the URL. UTF-8 bytes are encoded one by one.
func escapePathSegment(_ segment: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(segment.utf8.count)
    for byte in segment.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.append(byte)
        default:
            out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }
    }
    return String(decoding: out, as: UTF8.self)
}

func encodeQuery(_ query: [(String, String)]) -> String {
    query.map { "\(escapePathSegment($0.0))=\(escapePathSegment($0.1))" }.joined(separator: "&")
}
