import ForgeCore

/// Client-side rate limiter with client-go's semantics: `burst` requests may go at once,
/// then one every 1/qps seconds. A caller reserves a slot and is told how long to wait;
/// reservations queue up in order, so waiting callers are served fairly.
final class TokenBucket: @unchecked Sendable {
    private let qps: Double
    private let burst: Double
    private let clock: MonotonicClock
    private let lock = Lock()
    private var tokens: Double
    private var last: MonotonicInstant

    init(qps: Double, burst: Int, clock: MonotonicClock = SystemMonotonicClock()) {
        self.qps = qps
        self.burst = Double(max(1, burst))
        self.clock = clock
        self.tokens = Double(max(1, burst))
        self.last = clock.now()
    }

    var isUnlimited: Bool { qps <= 0 }

    /// Takes one token and returns how long the caller must wait before sending (zero if none).
    func reserve() -> Duration {
        if isUnlimited { return .zero }
        return lock.withLock {
            let now = clock.now()
            let elapsed = max(0, now.duration(since: last).seconds)
            last = now
            tokens = min(burst, tokens + elapsed * qps)
            tokens -= 1
            if tokens >= 0 { return .zero }
            return .nanoseconds(Int64((-tokens / qps) * 1e9))
        }
    }

    /// Waits for a slot. Cancellation while waiting gives the slot up only in the sense
    /// that the caller never sends; the bucket stays consistent.
    func wait() async throws {
        let delay = reserve()
        if delay > .zero {
            try await Task.sleep(for: delay)
        }
    }
}
