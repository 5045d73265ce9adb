import FoundationEssentials
import ForgeCore

/// The outcome of one probe. `status` is nil when no HTTP answer arrived (see `error`).
public struct HTTPProbeResult: Sendable {
    public var status: Int?
    public var body: Data
    public var responseTime: Duration
    public var error: String?

    public init(status: Int?, body: Data, responseTime: Duration, error: String?) {
        self.status = status
        self.body = body
        self.responseTime = responseTime
        self.error = error
    }

    /// Any 2xx is healthy.
    public var isSuccess: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// Plain HTTP(S) GET over libcurl for health checks and node metrics: no Kubernetes auth,
/// system CAs, one attempt, a hard timeout. Never throws: failures are results.
public struct HTTPProbe: Sendable {
    private static let transport = CurlTransport(tls: TLSSettings())
    /// Health endpoints answer briefly; more than this is not read.
    public static let maxBodyBytes = 64 << 10

    static func breaksLine(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }

    public static func get(url: String, headers: [String: String] = [:], timeout: Duration,
                           maxBodyBytes: Int = HTTPProbe.maxBodyBytes) async -> HTTPProbeResult {
        let clock = SystemMonotonicClock()
        let start = clock.now()
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            return HTTPProbeResult(status: nil, body: Data(), responseTime: .zero, error: "unsupported URL \"\(url)\" (http or https only)")
        }
        // libcurl sends header lines verbatim: a line break would inject headers (or a request).
        if let bad = headers.first(where: { Self.breaksLine($0.key) || Self.breaksLine($0.value) || $0.key.contains(":") }) {
            return HTTPProbeResult(status: nil, body: Data(), responseTime: .zero,
                                   error: "header \(bad.key.debugDescription) contains CR, LF, NUL or a colon in its name; not sent")
        }
        var lines = headers.map { "\($0.key): \($0.value)" }
        if headers.keys.first(where: { $0.lowercased() == "user-agent" }) == nil {
            lines.append("User-Agent: cardano-forge-manager-probe")
        }
        let request = TransportRequest(
            method: "GET", url: url, headers: lines, body: nil, connectTimeout: timeout,
            totalTimeout: timeout, idleTimeout: nil, maxBodyBytes: maxBodyBytes)
        do {
            let response = try await transport.perform(request)
            return HTTPProbeResult(status: response.status, body: response.body, responseTime: clock.now().duration(since: start), error: nil)
        } catch let failure as TransportFailure {
            return HTTPProbeResult(status: nil, body: Data(), responseTime: clock.now().duration(since: start), error: "\(failure.clientError)")
        } catch {
            return HTTPProbeResult(status: nil, body: Data(), responseTime: clock.now().duration(since: start), error: "\(error)")
        }
    }
}
