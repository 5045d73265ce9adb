import ForgeCore
import Foundation
import Testing

/// The hand-written RFC 3339 code against Foundation's ISO8601DateFormatter, which it replaced
/// in the shipped binaries (the tests may use full Foundation). Serialized: Foundation's
/// ICU-backed formatters crashed (SIGILL in ICU's number parser) when two tests used their own
/// formatters at the same time.
@Suite(.serialized) struct RFC3339Tests {
    static func formatter(fractional: Bool) -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = fractional ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }

    /// Instants from 1901 to 2200 (a deterministic spread, with sub-second parts) plus edges.
    static let instants: [Double] = {
        var values: [Double] = [0, -1.5, 0.9996, 1.0004, 951_782_400 /* 2000-02-29 */, 4_107_542_399.999]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Double(state >> 33) / Double(1 << 31) * 9_400_000_000 - 2_200_000_000
            values.append((seconds * 1000).rounded() / 1000 + Double(state % 7) * 0.000_137)
        }
        return values
    }()

    @Test func formatsAsFoundationDid() {
        let plain = Self.formatter(fractional: false), fractional = Self.formatter(fractional: true)
        for t in Self.instants {
            let date = Date(timeIntervalSince1970: t)
            #expect(RFC3339.format(date) == plain.string(from: date), "\(t)")
            #expect(RFC3339.formatMillis(date) == fractional.string(from: date), "\(t)")
        }
    }

    @Test func parsesWhatFoundationParsed() throws {
        let plain = Self.formatter(fractional: false), fractional = Self.formatter(fractional: true)
        for t in Self.instants {
            let date = Date(timeIntervalSince1970: t)
            let whole = plain.string(from: date), millis = fractional.string(from: date)
            #expect(RFC3339.parse(whole) == plain.date(from: whole), "\(whole)")
            let parsed = try #require(RFC3339.parse(millis), "\(millis)")
            let reference = try #require(fractional.date(from: millis), "\(millis)")
            #expect(abs(parsed.timeIntervalSince1970 - reference.timeIntervalSince1970) < 1e-6, "\(millis)")
        }
    }

    /// Exact to the microsecond while a Double's resolution of the seconds since 1970 is well
    /// below half a microsecond (until 2038: 2^31 s, resolution 0.24 µs); lease and event times
    /// are "now".
    @Test func microsecondsRoundTrip() throws {
        for t in Self.instants where abs(t) < 2_147_483_648 {
            let text = RFC3339.formatMicros(Date(timeIntervalSince1970: t))
            #expect(text.count == 27, "\(text)")
            let back = try #require(RFC3339.parse(text))
            #expect(abs(back.timeIntervalSince1970 - t) <= 0.000_000_5 + abs(t) * 1e-15, "\(text)")
            #expect(RFC3339.formatMicros(back) == text)
        }
        #expect(RFC3339.formatMicros(Date(timeIntervalSince1970: 1_750_000_000.123456)) == "2025-06-15T15:06:40.123456Z")
        #expect(RFC3339.parse("2025-06-15T15:06:40.123456Z")?.timeIntervalSince1970 == 1_750_000_000.123456)
    }

    @Test(arguments: [
        ("2024-01-01T01:00:00+01:00", 1_704_067_200.0),
        ("2024-01-01T00:00:00-0130", 1_704_072_600.0),
        ("2024-02-29T12:00:00Z", 1_709_208_000.0),
        ("2024-01-01T00:00:00.123456789Z", 1_704_067_200.123456789),
    ])
    func parsesOffsetsAndLongFractions(text: String, expected: Double) throws {
        let parsed = try #require(RFC3339.parse(text))
        #expect(abs(parsed.timeIntervalSince1970 - expected) < 1e-6)
    }

    @Test(arguments: [
        "", "yesterday", "2024-01-01", "2024-01-01T00:00:00", "2024-01-01 00:00:00Z", "2024-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z", "2024-01-32T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z",
        "2024-01-01T00:00:60Z", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00Zjunk", "2024-01-01T00:00:00+1:00",
        "24-01-01T00:00:00Z", "２０２４-01-01T00:00:00Z",
    ])
    func rejectsWhatIsNotRFC3339(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func trimming() {
        #expect("  a b \t".trimmingBlanks() == "a b")
        #expect(" \n a \r\n".trimmingBlanks() == "\n a \r\n")
        #expect(" \n a \r\n".trimmingWhitespace() == "a")
        #expect("\u{00A0}x\u{2003}".trimmingWhitespace() == "x")
        #expect("   ".trimmingWhitespace() == "")
        #expect("--a-b--".trimming(where: { $0 == "-" }) == "a-b")
    }
}
