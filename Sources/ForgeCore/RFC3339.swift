import FoundationEssentials

/// RFC 3339 timestamps in UTC, as Kubernetes writes them (with or without fractional seconds).
///
/// Written out by hand rather than with a date formatter: the shipped binaries import
/// FoundationEssentials only (ISO8601DateFormatter lives in full Foundation, which links ICU),
/// a recomputation with thousands of pods parses thousands of these, and the fraction must
/// survive to the microsecond (Kubernetes `MicroTime`), which the formatter truncated to
/// milliseconds.
///
/// Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`, any number of fraction digits,
/// valid calendar dates only, seconds 00-59 (no leap second). Everything else is nil.
public enum RFC3339 {
    public static func parse(_ text: String) -> Date? {
        var reader = DigitReader(bytes: Array(text.utf8))
        guard let year = reader.number(4), reader.take(UInt8(ascii: "-")),
              let month = reader.number(2), reader.take(UInt8(ascii: "-")),
              let day = reader.number(2), reader.take(UInt8(ascii: "T")),
              let hour = reader.number(2), reader.take(UInt8(ascii: ":")),
              let minute = reader.number(2), reader.take(UInt8(ascii: ":")),
              let second = reader.number(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = 0.0
        if reader.take(UInt8(ascii: ".")) {
            // Up to nanoseconds as an integer, divided once: exact for six digits.
            var value = 0
            var scale = 1
            var digits = 0
            while let digit = reader.digit() {
                if digits < 9 {
                    value = value * 10 + digit
                    scale *= 10
                }
                digits += 1
            }
            guard digits > 0 else { return nil }
            fraction = Double(value) / Double(scale)
        }
        var offsetSeconds = 0
        if reader.take(UInt8(ascii: "Z")) {
            offsetSeconds = 0
        } else if let sign = reader.sign() {
            guard let hours = reader.number(2), hours < 24 else { return nil }
            _ = reader.take(UInt8(ascii: ":"))
            guard let minutes = reader.number(2), minutes < 60 else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard reader.atEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let whole = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSinceReferenceDate: Double(whole - Int(referenceDateOffset)) + fraction)
    }

    /// Whole seconds, "2006-01-02T15:04:05Z" (Kubernetes `Time`, condition timestamps).
    public static func format(_ date: Date) -> String { format(date, fractionDigits: 0) }

    /// Milliseconds, "2006-01-02T15:04:05.000Z" (the forge report's timestamps).
    public static func formatMillis(_ date: Date) -> String { format(date, fractionDigits: 3) }

    /// Microseconds, "2006-01-02T15:04:05.000000Z" (Kubernetes `MicroTime`).
    public static func formatMicros(_ date: Date) -> String { format(date, fractionDigits: 6) }

    /// Rounds to the nearest unit of the last digit shown (whole seconds: to the millisecond,
    /// then cut), from the interval since 1970, as ISO8601DateFormatter did.
    private static func format(_ date: Date, fractionDigits: Int) -> String {
        let digits = fractionDigits == 0 ? 3 : min(fractionDigits, 6)
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let units = Int64((date.timeIntervalSince1970 * Double(scale)).rounded())
        var seconds = units / scale
        var fraction = units % scale
        if fraction < 0 { // floor division for instants before 1970
            seconds -= 1
            fraction += scale
        }
        var days = Int(seconds / 86_400)
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 {
            days -= 1
            secondOfDay += 86_400
        }
        let (year, month, day) = civilFromDays(days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if fractionDigits > 0 { text += "." + pad(Int(fraction), digits) }
        return text + "Z"
    }

    /// Seconds from 1970-01-01 to 2001-01-01, `Date`'s reference date.
    private static let referenceDateOffset: Int64 = 978_307_200

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    private static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil` (civil_from_days).
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Reads fixed-width decimal fields from ASCII bytes.
private struct DigitReader {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index == bytes.count }

    mutating func digit() -> Int? {
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
        defer { index += 1 }
        return Int(bytes[index] - UInt8(ascii: "0"))
    }

    mutating func number(_ width: Int) -> Int? {
        var value = 0
        for _ in 0..<width {
            guard let digit = digit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int? {
        if take(UInt8(ascii: "+")) { return 1 }
        if take(UInt8(ascii: "-")) { return -1 }
        return nil
    }
}
