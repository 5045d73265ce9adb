/// One API request as the emulator saw it (`GET /_emulator/requests`). `status` is 0 when
/// no answer was sent (hang, drop).
public struct LoggedRequest: Codable, Sendable, Equatable {
    public var seq: Int
    public var time: Double
    public var method: String
    public var path: String
    public var query: String
    public var status: Int
    public var userAgent: String?
    /// The request's Accept header (which representation a list or watch asked for).
    public var accept: String?
}
