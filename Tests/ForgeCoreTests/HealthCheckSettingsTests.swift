import ForgeCore
import Testing

@Suite struct HealthCheckSettingsTests {
    func settings(interval: String? = nil, timeout: String? = nil, headers: [String: String]? = nil) -> HealthCheckSettings? {
        HealthCheckSettings(.init(enabled: true, endpoint: "https://x/healthz", interval: interval, timeout: timeout, headers: headers))
    }

    @Test func disabledOrWithoutEndpointIsNoCheck() {
        #expect(HealthCheckSettings(nil) == nil)
        #expect(HealthCheckSettings(.init(enabled: false, endpoint: "https://x")) == nil)
        #expect(HealthCheckSettings(.init(enabled: true)) == nil)
    }

    @Test func defaultsAndValuesInBounds() throws {
        let plain = try #require(settings())
        #expect(plain.interval == .seconds(30) && plain.timeout == .seconds(10) && plain.notes.isEmpty && plain.invalid == nil)
        let edge = try #require(settings(interval: "1h", timeout: "60s"))
        #expect(edge.interval == .seconds(3600) && edge.timeout == .seconds(60) && edge.notes.isEmpty)
    }

    @Test(arguments: [
        // (interval, timeout, used interval s, used timeout ms, note mentions)
        ("500ms", "100ms", 1.0, 100, "interval 500ms is outside 1s..3600s"),
        ("2h", nil, 3600.0, 10_000, "interval 2h is outside 1s..3600s"),
        ("10s", "20s", 10.0, 10_000, "timeout 20s is outside"),
        ("5m", "90s", 300.0, 60_000, "timeout 90s is outside"),
        ("soon", nil, 30.0, 10_000, "\"soon\" is not a duration"),
        ("2s", nil, 2.0, 2_000, nil),   // the default timeout never exceeds the interval
    ] as [(String, String?, Double, Int, String?)])
    func outOfBoundsIsClampedAndSaid(interval: String, timeout: String?, usedInterval: Double, usedTimeoutMs: Int, note: String?) throws {
        let s = try #require(settings(interval: interval, timeout: timeout))
        #expect(s.interval == .milliseconds(Int(usedInterval * 1000)))
        #expect(s.timeout == .milliseconds(usedTimeoutMs))
        #expect(s.timeout <= s.interval && s.timeout <= HealthCheckSettings.maximumTimeout)
        if let note {
            #expect(s.notes.contains { $0.contains(note) }, "\(s.notes)")
        } else {
            #expect(s.notes.isEmpty, "\(s.notes)")
        }
    }

    @Test(arguments: [
        (["X-Token": "a\r\nX-Injected: 1"], "healthCheck.headers[X-Token] contains CR, LF or NUL"),
        (["X-Token": "a\nb"], "healthCheck.headers[X-Token] contains CR, LF or NUL"),
        (["X-Token": "a\u{0}b"], "healthCheck.headers[X-Token] contains CR, LF or NUL"),
        (["Bad Name": "v"], "name \"Bad Name\" is not an HTTP header name"),
        (["X-Bad\r\nName": "v"], "is not an HTTP header name"),
        (["": "v"], "is not an HTTP header name"),
    ])
    func headersThatWouldSplitTheRequestAreRefused(headers: [String: String], problem: String) throws {
        let s = try #require(settings(headers: headers))
        #expect(s.invalid?.contains(problem) == true, "\(String(describing: s.invalid))")
        #expect(s.invalid?.contains("not sent") == true)
    }

    @Test func ordinaryHeadersPass() throws {
        let s = try #require(settings(headers: ["Authorization": "Bearer abc.def", "X-Api-Key": "k=1; v=\"2\""]))
        #expect(s.invalid == nil)
    }
}
