import FoundationEssentials

/// Durations as people write them in CR specs and flags: Go's `time.ParseDuration` subset
/// ("500ms", "90s", "5m", "1h30m", "1.5s") plus a bare number meaning seconds, which the
/// predecessor accepted (`HEALTH_CHECK_INTERVAL=30`).
public enum KubeDuration {
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let input: String
        public let reason: String
        public var description: String { "invalid duration \"\(input)\": \(reason)" }
    }

    private static let units: [(suffix: String, nanoseconds: Double)] = [
        // Longest suffixes first so "ms" is not read as "m" followed by garbage.
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    public static func parse(_ text: String) throws -> Duration {
        let input = text.trimmingBlanks()
        guard !input.isEmpty else { throw ParseError(input: text, reason: "empty") }
        if let seconds = Double(input) {
            guard seconds >= 0, seconds.isFinite else {
                throw ParseError(input: text, reason: "must be a non-negative number")
            }
            return .nanoseconds(Int64(seconds * 1e9))
        }
        var total = 0.0
        var rest = Substring(input)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else {
                throw ParseError(input: text, reason: "expected a number at \"\(rest)\"")
            }
            rest = rest.dropFirst(number.count)
            let sorted = units.sorted { $0.suffix.count > $1.suffix.count }
            guard let unit = sorted.first(where: { rest.hasPrefix($0.suffix) }) else {
                throw ParseError(input: text, reason: "missing or unknown unit after \(number) (use ms, s, m or h)")
            }
            rest = rest.dropFirst(unit.suffix.count)
            total += value * unit.nanoseconds
        }
        guard total < 9.2e18 else { throw ParseError(input: text, reason: "too large") }
        return .nanoseconds(Int64(total))
    }

    /// Formats a duration the short way Kubernetes users read ("250ms", "1.5s", "90s").
    public static func format(_ duration: Duration) -> String {
        let ns = duration.nanoseconds
        if ns < 1_000_000_000 {
            return "\(ns / 1_000_000)ms"
        }
        if ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000)s" }
        let tenths = (Double(ns) / 1e9 * 1000).rounded() / 1000
        return "\(tenths)s"
    }
}

