import Foundation
import Testing
import ForgeCore
@testable import KubeClient

/// Rate limiter, backoff and token refresh with an injected clock (no sleeping).
@Suite struct ClientPolicyTests {
    @Test func tokenBucketAllowsBurstThenPacesAtQPS() {
        let clock = ManualClock()
        let bucket = TokenBucket(qps: 10, burst: 2, clock: clock)
        #expect(bucket.reserve() == .zero)
        #expect(bucket.reserve() == .zero)
        // Reservations queue: the 3rd waits 0.1 s, the 4th 0.2 s.
        #expect(abs(bucket.reserve().seconds - 0.1) < 1e-6)
        #expect(abs(bucket.reserve().seconds - 0.2) < 1e-6)
        clock.advance(by: .seconds(10))
        // Refill is capped at burst: after a long pause only 2 go at once again.
        #expect(bucket.reserve() == .zero)
        #expect(bucket.reserve() == .zero)
        #expect(bucket.reserve() > .zero)
    }

    @Test func tokenBucketTwentyTwoRequestsSpanTwoSeconds() {
        let clock = ManualClock()
        let bucket = TokenBucket(qps: 10, burst: 2, clock: clock)
        let waits = (0..<22).map { _ in bucket.reserve() }
        #expect(abs(waits.last!.seconds - 2.0) < 1e-6)
    }

    @Test func zeroQPSIsUnlimited() {
        let bucket = TokenBucket(qps: 0, burst: 1, clock: ManualClock())
        #expect((0..<100).allSatisfy { _ in bucket.reserve() == .zero })
    }

    @Test func backoffGrowsExponentiallyWithinJitterBoundsAndCaps() {
        let low = Backoff(base: .milliseconds(200), cap: .seconds(10), random: { 0 })
        let high = Backoff(base: .milliseconds(200), cap: .seconds(10), random: { 0.999999 })
        for attempt in 0..<10 {
            let full = min(0.2 * Double(1 << attempt), 10)
            #expect(abs(low.delay(attempt: attempt).seconds - full / 2) < 1e-3, "attempt \(attempt)")
            #expect(abs(high.delay(attempt: attempt).seconds - full) < 1e-3, "attempt \(attempt)")
        }
        #expect(high.delay(attempt: 1000).seconds <= 10)
    }

    @Test func tokenFileIsReReadAfterSixtySecondsAndOnInvalidate() throws {
        let path = NSTemporaryDirectory() + "token-\(UUID().uuidString)"
        try "one\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = ManualClock()
        let source = TokenSource(token: nil, file: path, clock: clock)
        #expect(source.current() == "one")
        try "two".write(toFile: path, atomically: true, encoding: .utf8)
        clock.advance(by: .seconds(59))
        #expect(source.current() == "one", "cached within the refresh interval")
        clock.advance(by: .seconds(2))
        #expect(source.current() == "two")
        try "three".write(toFile: path, atomically: true, encoding: .utf8)
        source.invalidate()
        #expect(source.current() == "three", "a 401 forces a re-read")
        try FileManager.default.removeItem(atPath: path)
        source.invalidate()
        #expect(source.current() == "three", "an unreadable file keeps the last good token")
    }
}
