import FoundationEssentials

/// Query parameters of a watch request.
public struct WatchOptions: Sendable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Start after this version; nil or "0" means "from any recent state" (server's choice).
    public var resourceVersion: String?
    public var allowWatchBookmarks: Bool
    /// The server ends the watch after this long; the caller reconnects from its last version.
    public var timeoutSeconds: Int?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
        allowWatchBookmarks: Bool = true, timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.allowWatchBookmarks = allowWatchBookmarks
        self.timeoutSeconds = timeoutSeconds
    }

    var query: [(String, String)] {
        var query: [(String, String)] = [("watch", "1")]
        if allowWatchBookmarks { query.append(("allowWatchBookmarks", "true")) }
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        if let timeoutSeconds { query.append(("timeoutSeconds", String(timeoutSeconds))) }
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        return query
    }
}

/// One event of a watch stream.
public enum WatchEvent<T> {
    case added(T)
    case modified(T)
    case deleted(T)
    /// No object changed; the stream has seen everything up to this version.
    case bookmark(resourceVersion: String)
    /// An `ERROR` event; 410 means the requested version is gone and the caller must relist.
    case error(KubeAPIError)
}

extension WatchEvent: Sendable where T: Sendable {}

/// Decodes one watch line in a single pass: the object's shape depends on `type`
/// (a `T`, a `Status` for ERROR, or a metadata-only stub for BOOKMARK).
struct WatchEnvelope<T: Decodable>: Decodable {
    let event: WatchEvent<T>?
    let type: String

    private enum CodingKeys: String, CodingKey { case type, object }
    private struct Bookmark: Decodable {
        struct Meta: Decodable { var resourceVersion: String? }
        var metadata: Meta?
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        switch type {
        case "ADDED": event = .added(try c.decode(T.self, forKey: .object))
        case "MODIFIED": event = .modified(try c.decode(T.self, forKey: .object))
        case "DELETED": event = .deleted(try c.decode(T.self, forKey: .object))
        case "BOOKMARK":
            let mark = try c.decode(Bookmark.self, forKey: .object)
            event = .bookmark(resourceVersion: mark.metadata?.resourceVersion ?? "")
        case "ERROR":
            let status = try c.decode(KubeAPIError.StatusBody.self, forKey: .object)
            let code = status.code ?? 500
            event = .error(KubeAPIError(
                code: code, reason: status.reason ?? KubeAPIError.defaultReason(for: code),
                message: status.message ?? ""))
        default:
            event = nil  // unknown event types are skipped, as client-go does
        }
    }
}

/// Reassembles newline-delimited JSON from arbitrary chunks: a line may be split across
/// chunks, and one chunk may hold several lines.
struct WatchLineBuffer {
    private var pending = Data()
    /// A single event larger than this is a protocol violation, not something to buffer forever.
    let maxLineBytes: Int

    init(maxLineBytes: Int = 32 << 20) { self.maxLineBytes = maxLineBytes }

    /// Appends a chunk and returns every complete, non-blank line it finished.
    mutating func append(_ chunk: Data) throws -> [Data] {
        var lines: [Data] = []
        var rest = chunk[...]
        while let newline = rest.firstIndex(of: 0x0A) {
            var line = pending
            line.append(rest[rest.startIndex..<newline])
            pending = Data()
            rest = rest[rest.index(after: newline)...]
            if !isBlank(line) { lines.append(line) }
        }
        pending.append(contentsOf: rest)
        if pending.count > maxLineBytes {
            throw KubeClientError.invalidResponse("watch event larger than \(maxLineBytes) bytes without a newline")
        }
        return lines
    }

    /// What is left when the stream ends (a last line without its newline), if anything.
    mutating func finish() -> Data? {
        defer { pending = Data() }
        return isBlank(pending) ? nil : pending
    }

    private func isBlank(_ data: Data) -> Bool {
        data.allSatisfy { $0 == 0x20 || $0 == 0x0D || $0 == 0x09 || $0 == 0x0A }
    }
}
