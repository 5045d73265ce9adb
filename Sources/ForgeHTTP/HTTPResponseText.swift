import FoundationEssentials

/// Serialises a complete HTTP/1.1 response that closes the connection.
enum HTTPResponseText {
    static func make(status: Int, body: String, contentType: String, includeBody: Bool) -> Data {
        make(status: status, body: Array(body.utf8), contentType: contentType, includeBody: includeBody)
    }

    static func make(status: Int, body: [UInt8], contentType: String, includeBody: Bool) -> Data {
        var head = "HTTP/1.1 \(status) \(reason(status))\r\n"
        head += "Content-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.count)\r\n"
        head += "Connection: close\r\n\r\n"
        var data = Data(head.utf8)
        if includeBody { data.append(contentsOf: body) }
        return data
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 503: return "Service Unavailable"
        default: return status < 300 ? "OK" : status < 500 ? "Client Error" : "Unavailable"
        }
    }
}
