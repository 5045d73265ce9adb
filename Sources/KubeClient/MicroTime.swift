import FoundationEssentials
import ForgeCore

/// Kubernetes `MicroTime`: RFC 3339 in UTC with exactly six fractional digits,
/// e.g. "2006-01-02T15:04:05.000000Z". Informational only in this project: lease expiry is
/// judged on the local monotonic clock, never by comparing these with our wall clock.
public enum MicroTime {
    public static func string(from date: Date) -> String {
        RFC3339.formatMicros(date)
    }

    /// Parses MicroTime and plain RFC 3339 `Time` ("2006-01-02T15:04:05Z"); nil if neither.
    /// All six fraction digits are kept.
    public static func date(from string: String) -> Date? {
        RFC3339.parse(string)
    }
}
