/// What a health route answers: a status code and a short plain-text body for people reading
/// `kubectl describe` or curl output.
public struct HTTPHealthResponse: Sendable, Equatable {
    public var status: Int
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    public static func ok(_ body: String = "ok") -> HTTPHealthResponse {
        HTTPHealthResponse(status: 200, body: body)
    }

    public static func unavailable(_ body: String) -> HTTPHealthResponse {
        HTTPHealthResponse(status: 503, body: body)
    }
}
