import FoundationEssentials
import ForgeCore
import Logging

/// A Kubernetes API client over libcurl with client-go's request semantics: bearer token
/// (re-read from its file), client-side rate limit, retries with backoff for idempotent
/// requests only, typed `Status` errors.
public final class KubernetesClient: Sendable {
    public let config: KubeConfig
    public let options: KubeClientOptions
    let logger: Logger
    let transport: CurlTransport
    let tokens: TokenSource
    let limiter: TokenBucket
    let backoff: Backoff

    public init(config: KubeConfig, options: KubeClientOptions = .init(), logger: Logger = Logger(label: "kube")) throws {
        guard let url = URL(string: config.server), let scheme = url.scheme, ["http", "https"].contains(scheme),
              url.host != nil
        else {
            throw KubeClientError.config("server \"\(config.server)\" is not an http(s) URL")
        }
        self.config = config
        self.options = options
        self.logger = logger
        self.transport = CurlTransport(tls: TLSSettings(
            caFile: config.caFile, caData: config.caData, insecureSkipVerify: config.insecureSkipTLSVerify,
            clientCertFile: config.clientCertFile, clientCertData: config.clientCertData,
            clientKeyFile: config.clientKeyFile, clientKeyData: config.clientKeyData))
        self.tokens = TokenSource(token: config.token, file: config.tokenFile)
        self.limiter = TokenBucket(qps: options.qps, burst: options.burst)
        self.backoff = Backoff(base: .milliseconds(200), cap: .seconds(10))
    }

    // MARK: Verbs

    public func get<T: Decodable>(
        _ type: ResourceType, namespace: String?, name: String, subresource: String? = nil, as: T.Type = T.self
    ) async throws -> T {
        let path = type.path(namespace: namespace, name: name, subresource: subresource)
        let response = try await checked("GET", path)
        return try decode(T.self, response.body, "GET \(path)")
    }

    /// `representation: .metadataOnly` asks for a `PartialObjectMetadataList` (decode the items
    /// as `PartialObjectMetadata`).
    public func list<T: Decodable>(
        _ type: ResourceType, namespace: String?, options: ListOptions = .init(), as: T.Type = T.self,
        representation: ObjectRepresentation = .full
    ) async throws -> ObjectList<T> {
        let path = type.path(namespace: namespace)
        let response = try await checked("GET", path, query: options.query, accept: representation.listAccept)
        return try decode(ObjectList<T>.self, response.body, "GET \(path)")
    }

    public func create<T: Codable>(_ type: ResourceType, namespace: String?, _ object: T) async throws -> T {
        let path = type.path(namespace: namespace)
        let response = try await checked("POST", path, body: try encode(object), contentType: "application/json")
        return try decode(T.self, response.body, "POST \(path)")
    }

    /// PUT. The object carries `metadata.resourceVersion`; if the stored object has moved on,
    /// the server answers 409 and this throws a `KubeAPIError` whose `isConflict` is true.
    public func update<T: Codable>(
        _ type: ResourceType, namespace: String?, name: String, _ object: T, subresource: String? = nil
    ) async throws -> T {
        let path = type.path(namespace: namespace, name: name, subresource: subresource)
        let response = try await checked("PUT", path, body: try encode(object), contentType: "application/json")
        return try decode(T.self, response.body, "PUT \(path)")
    }

    public func patch<T: Decodable>(
        _ type: ResourceType, namespace: String?, name: String, patch: Data, patchType: PatchType = .merge,
        subresource: String? = nil, as: T.Type = T.self
    ) async throws -> T {
        let path = type.path(namespace: namespace, name: name, subresource: subresource)
        let response = try await checked("PATCH", path, body: patch, contentType: patchType.contentType)
        return try decode(T.self, response.body, "PATCH \(path)")
    }

    /// DELETE, optionally only if the object still has this uid / resourceVersion (409 otherwise).
    public func delete(
        _ type: ResourceType, namespace: String?, name: String,
        preconditions: (uid: String?, resourceVersion: String?)? = nil
    ) async throws {
        let path = type.path(namespace: namespace, name: name)
        var body: Data?
        if let preconditions {
            var fields: [String: JSONValue] = [:]
            if let uid = preconditions.uid { fields["uid"] = .string(uid) }
            if let rv = preconditions.resourceVersion { fields["resourceVersion"] = .string(rv) }
            let options: JSONValue = .object([
                "kind": .string("DeleteOptions"), "apiVersion": .string("v1"), "preconditions": .object(fields),
            ])
            body = try JSONEncoder().encode(options)
        }
        _ = try await checked("DELETE", path, body: body, contentType: body == nil ? nil : "application/json")
    }

    /// Raw escape hatch: (HTTP status, body bytes) for any status. Still rate-limited,
    /// authenticated, timed out, and retried like the typed verbs.
    public func send(
        method: String, path: String, query: [(String, String)] = [], body: Data? = nil, contentType: String? = nil
    ) async throws -> (status: Int, body: Data) {
        let response = try await execute(method: method, path: path, query: query, body: body, contentType: contentType)
        return (response.status, response.body)
    }

    // MARK: Plumbing

    /// `execute`, turning a non-2xx answer into a `KubeAPIError` (or `invalidResponse`).
    func checked(
        _ method: String, _ path: String, query: [(String, String)] = [], body: Data? = nil, contentType: String? = nil,
        accept: String = KubernetesClient.jsonAccept
    ) async throws -> TransportResponse {
        let response = try await execute(method: method, path: path, query: query, body: body, contentType: contentType,
                                         accept: accept)
        guard (200..<300).contains(response.status) else {
            throw KubeAPIError.from(status: response.status, body: response.body, context: "\(method) \(path)")
        }
        return response
    }

    func url(_ path: String, _ query: [(String, String)]) -> String {
        query.isEmpty ? config.server + path : config.server + path + "?" + encodeQuery(query)
    }

    func headers(contentType: String?, accept: String = KubernetesClient.jsonAccept) -> [String] {
        var headers = ["Accept: \(accept)", "User-Agent: \(options.userAgent)", "Expect:"]
        if let token = tokens.current() { headers.append("Authorization: Bearer \(token)") }
        if let contentType { headers.append("Content-Type: \(contentType)") }
        return headers
    }

    func encode<T: Encodable>(_ object: T) throws -> Data {
        do {
            return try JSONEncoder().encode(object)
        } catch {
            throw KubeClientError.invalidResponse("cannot encode \(T.self): \(error)")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ body: Data, _ context: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw KubeClientError.invalidResponse("cannot decode \(T.self) from \(context): \(error); body \(snippet(body))")
        }
    }
}
