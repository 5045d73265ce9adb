import Foundation

/// Kubernetes `MicroTime`: RFC 3339 in UTC with exactly six fractional digits,
/// e.g. "2006-01-02T15:04:05.000000Z". Informational only in this project: lease expiry is
/// judged on the local monotonic clock, never by comparing these with our wall clock.
public enum MicroTime {
    public static func string(from date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = floor(seconds)
        var micros = Int(((seconds - whole) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            whole += 1
            micros -= 1_000_000
        }
        var t = time_t(whole)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }

    /// Parses MicroTime and plain RFC 3339 `Time` ("2006-01-02T15:04:05Z"); nil if neither.
    public static func date(from string: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: string) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = fractional.date(from: string) { return date }
        // ISO8601DateFormatter handles up to millisecond precision on some platforms; parse
        // the fraction ourselves so six digits are never lost or rejected.
        guard let dot = string.firstIndex(of: "."), let zone = string.lastIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }),
              zone > dot,
              let base = plain.date(from: String(string[..<dot]) + String(string[zone...])),
              let fraction = Double("0" + string[dot..<zone])
        else { return nil }
        return base.addingTimeInterval(fraction)
    }
}
