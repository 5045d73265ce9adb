import FlyingSocks

/// The request line of an HTTP/1.x request (headers are read and skipped: no route needs them).
struct HTTPRequestHead: Sendable, Equatable {
    var method: String
    /// The path without the query string.
    var path: String

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    /// Longest request head accepted; probes and scrapes send a few hundred bytes.
    static let limit = 16 * 1024

    /// Reads up to the blank line that ends the head.
    static func read(from connection: AsyncSocket) async throws -> HTTPRequestHead {
        var bytes: [UInt8] = []
        while true {
            let chunk = try await connection.read(atMost: 4096)
            if chunk.isEmpty { throw SocketError.disconnected }
            bytes += chunk
            if let head = try parse(bytes) { return head }
            if bytes.count > limit { throw ParseError(description: "request head longer than \(limit) bytes") }
        }
    }

    /// nil while the head is incomplete (no blank line yet). Works on bytes: "\r\n" is a
    /// single Character in Swift, so character comparisons would not see the line ends.
    static func parse(_ bytes: [UInt8]) throws -> HTTPRequestHead? {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        guard bytes.indices.contains(where: { index in
            bytes[index] == lf && (index >= 1 && bytes[index - 1] == lf
                || index >= 3 && bytes[index - 1] == cr && bytes[index - 2] == lf && bytes[index - 3] == cr)
        }) else { return nil }
        let lineEnd = bytes.firstIndex { $0 == cr || $0 == lf } ?? bytes.endIndex
        let requestLine = String(decoding: bytes[..<lineEnd], as: UTF8.self)
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1."), parts[1].hasPrefix("/") else {
            throw ParseError(description: "malformed request line \"\(requestLine.prefix(100))\"")
        }
        let path = parts[1].prefix { $0 != "?" && $0 != "#" }
        return HTTPRequestHead(method: String(parts[0]), path: String(path))
    }
}
