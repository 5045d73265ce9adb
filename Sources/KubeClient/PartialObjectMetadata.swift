import ForgeCore

/// How a list or watch asks for its objects: whole, or only their `metadata` as
/// `meta.k8s.io/v1` `PartialObjectMetadata` (what client-go's metadata informers do). A
/// consumer that reads only names, labels and annotations then neither downloads nor
/// decodes spec and status: for pods that is most of the bytes.
public enum ObjectRepresentation: Sendable {
    case full
    case metadataOnly

    /// The Accept header of a list. The server answers a `PartialObjectMetadataList` (asking a
    /// list for `PartialObjectMetadata` is refused with 406); the trailing `application/json`
    /// lets a server that cannot convert answer the full list, which decodes the same way.
    var listAccept: String {
        switch self {
        case .full: return KubernetesClient.jsonAccept
        case .metadataOnly: return "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
        }
    }

    /// The Accept header of a watch: each event's object (not the stream) is converted, so a
    /// watch asks for `PartialObjectMetadata`. ERROR events still carry a `Status`.
    var watchAccept: String {
        switch self {
        case .full: return KubernetesClient.jsonAccept
        case .metadataOnly: return "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
        }
    }
}

extension KubernetesClient {
    static let jsonAccept = "application/json"
}

/// `meta.k8s.io/v1` `PartialObjectMetadata`: an object's metadata without its spec or
/// status. Read-only (never written back), so the metadata fields this project does not
/// type (`managedFields`, `ownerReferences`, ...) are dropped rather than kept in `extra`:
/// an informer of thousands of objects should hold only what its consumer reads.
public struct PartialObjectMetadata: KubeObject, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta

    public init(metadata: ObjectMeta) {
        self.apiVersion = "meta.k8s.io/v1"
        self.kind = "PartialObjectMetadata"
        self.metadata = metadata
    }

    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try c.decodeIfPresent(String.self, forKey: .kind)
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        metadata.extra = [:]
    }
}
