/// The probe a CardanoForgeCluster's `spec.healthCheck` asks for, checked and bounded. The
/// CRD enforces the same bounds; this also covers objects admitted before it did (or by an
/// API server without CEL). Out-of-range durations are clamped and said so; headers that
/// would split the request (CR, LF, NUL, or a name that is not an HTTP token) make the check
/// fail with a clear error and are never sent.
public struct HealthCheckSettings: Equatable, Sendable {
    public static let minimumInterval: Duration = .seconds(1)
    public static let maximumInterval: Duration = .seconds(3600)
    public static let maximumTimeout: Duration = .seconds(60)
    public static let defaultInterval: Duration = .seconds(30)
    public static let defaultTimeout: Duration = .seconds(10)

    public var endpoint: String
    public var headers: [String: String]
    public var interval: Duration
    public var timeout: Duration
    public var failureThreshold: Int
    public var healthyAfter: Int?
    /// Why the probe cannot be sent as configured; every probe then fails with this error.
    public var invalid: String?
    /// Values that were replaced (unreadable, out of bounds), for the status message.
    public var notes: [String]

    /// nil when the check is disabled or has no endpoint.
    public init?(_ check: CardanoForgeClusterSpec.HealthCheck?) {
        guard let check, check.enabled == true, let endpoint = check.endpoint, !endpoint.isEmpty else { return nil }
        self.endpoint = endpoint
        headers = check.headers ?? [:]
        failureThreshold = check.failureThreshold ?? HealthTracker.defaultFailureThreshold
        healthyAfter = check.successThreshold
        var notes: [String] = []
        let interval = Self.duration(check.interval, "interval", default: Self.defaultInterval,
                                     bounds: Self.minimumInterval...Self.maximumInterval, notes: &notes)
        let timeoutCap = min(interval, Self.maximumTimeout)
        timeout = Self.duration(check.timeout, "timeout", default: min(Self.defaultTimeout, timeoutCap),
                                bounds: .milliseconds(1)...timeoutCap, notes: &notes)
        self.interval = interval
        self.notes = notes
        invalid = Self.headerProblem(headers)
    }

    private static func duration(_ text: String?, _ field: String, default fallback: Duration,
                                 bounds: ClosedRange<Duration>, notes: inout [String]) -> Duration {
        guard let text else { return min(max(fallback, bounds.lowerBound), bounds.upperBound) }
        let bound = "\(KubeDuration.format(bounds.lowerBound))..\(KubeDuration.format(bounds.upperBound))"
        guard let value = try? KubeDuration.parse(text) else {
            let used = min(max(fallback, bounds.lowerBound), bounds.upperBound)
            notes.append("healthCheck.\(field) \"\(text)\" is not a duration; using \(KubeDuration.format(used))")
            return used
        }
        let used = min(max(value, bounds.lowerBound), bounds.upperBound)
        if used != value {
            notes.append("healthCheck.\(field) \(text) is outside \(bound); using \(KubeDuration.format(used))")
        }
        return used
    }

    /// A header that libcurl would put on the wire verbatim must not carry a line break (it
    /// would inject headers or a second request) and its name must be an HTTP token.
    static func headerProblem(_ headers: [String: String]) -> String? {
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for name in headers.keys.sorted() {
            if name.isEmpty || !name.allSatisfy(tokenCharacters.contains) {
                return "healthCheck.headers: name \(debugQuoted(name)) is not an HTTP header name; the probe is not sent"
            }
            if let value = headers[name], value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                return "healthCheck.headers[\(name)] contains CR, LF or NUL; the probe is not sent"
            }
        }
        return nil
    }

    private static func debugQuoted(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined() + "\""
    }
}
