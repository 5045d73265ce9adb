import FoundationEssentials

/// An answer from the API server other than 2xx, decoded from its `Status` body
/// (`{"kind":"Status","code":409,"reason":"Conflict","message":"..."}`).
public struct KubeAPIError: Error, Sendable, CustomStringConvertible, Equatable {
    public let code: Int
    public let reason: String
    public let message: String

    public init(code: Int, reason: String, message: String) {
        self.code = code
        self.reason = reason
        self.message = message
    }

    public var isNotFound: Bool { code == 404 }
    /// A compare-and-swap lost: the object changed since the resourceVersion we sent.
    /// 409 is also used for AlreadyExists, which is a different outcome for callers.
    public var isConflict: Bool { code == 409 && reason == "Conflict" }
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    /// The requested resourceVersion is older than the server's history (watch/list): relist.
    public var isGone: Bool { code == 410 }
    public var isTooManyRequests: Bool { code == 429 }
    public var isUnauthorized: Bool { code == 401 }

    public var description: String { "API error \(code) \(reason): \(message)" }

    /// The `Status` fields we use; anything else in the body is ignored.
    struct StatusBody: Decodable {
        var kind: String?
        var code: Int?
        var reason: String?
        var message: String?
    }

    /// Decodes a non-2xx response. A JSON body that is not a Status still yields an API error
    /// (with the HTTP code); a non-JSON body is an `invalidResponse` naming the code and a snippet.
    static func from(status: Int, body: Data, context: String) -> Error {
        guard let decoded = try? JSONDecoder().decode(StatusBody.self, from: body) else {
            return KubeClientError.invalidResponse(
                "HTTP \(status) from \(context) with a non-JSON body: \(snippet(body))")
        }
        return KubeAPIError(
            code: decoded.code ?? status,
            reason: decoded.reason ?? defaultReason(for: status),
            message: decoded.message ?? snippet(body))
    }

    /// The reason the API server uses for a code when the body does not say.
    static func defaultReason(for status: Int) -> String {
        switch status {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }
}

/// At most `limit` characters of a body, for error messages (never the whole payload).
func snippet(_ body: Data, limit: Int = 200) -> String {
    if body.isEmpty { return "<empty>" }
    let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
    let trimmed = text.trimmingWhitespace()
    let short = trimmed.count > limit ? String(trimmed.prefix(limit)) + "…" : trimmed
    return "\"" + short.replacing("\n", with: "\\n") + "\""
}
