/// A fault for the emulator to inject (`POST /_emulator/faults`). Every field is optional;
/// a request matches when `method`, `pathRegex` (searched in "path?query") and `bodyRegex`
/// (searched in the body) all match.
public struct FaultRule: Codable, Sendable, Equatable {
    public var method: String?
    public var pathRegex: String?
    /// Also searched in the request body: picks one client's writes (e.g. one holderIdentity).
    public var bodyRegex: String?
    /// Answer with this HTTP status (a `Status` body unless `body` is set, then text/plain).
    public var status: Int?
    public var body: String?
    /// Sent as the `Retry-After` header (and `details.retryAfterSeconds`).
    public var retryAfter: Int?
    /// Added before the request is handled (or before the fault's own answer).
    public var delaySeconds: Double?
    /// Hold the connection without answering until faults are cleared or the client gives up.
    public var hang: Bool?
    /// Close the TCP connection without answering.
    public var drop: Bool?
    /// How many requests the rule hits (nil: all).
    public var times: Int?

    public init(
        method: String? = nil, pathRegex: String? = nil, bodyRegex: String? = nil, status: Int? = nil, body: String? = nil,
        retryAfter: Int? = nil, delaySeconds: Double? = nil, hang: Bool? = nil, drop: Bool? = nil,
        times: Int? = nil
    ) {
        self.method = method
        self.pathRegex = pathRegex
        self.bodyRegex = bodyRegex
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
        self.delaySeconds = delaySeconds
        self.hang = hang
        self.drop = drop
        self.times = times
    }
}

/// An installed fault rule as `GET /_emulator/faults` lists it.
public struct ActiveFault: Decodable, Sendable, Equatable {
    public var id: String
    public var hits: Int
    public var remaining: Int?
}
