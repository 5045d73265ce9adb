/// Exponential backoff with "equal jitter": attempt n waits between half and all of
/// min(cap, base * 2^n), so clients that failed together do not retry together while the
/// wait still grows. `random` is injected so tests can pin the jitter.
struct Backoff: Sendable {
    var base: Duration
    var cap: Duration
    var random: @Sendable () -> Double = { Double.random(in: 0..<1) }

    init(base: Duration, cap: Duration, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.base = base
        self.cap = cap
        self.random = random
    }

    /// The wait before retry number `attempt` (0-based).
    func delay(attempt: Int) -> Duration {
        let exponent = Double(min(max(attempt, 0), 30))
        var seconds = base.seconds * pow2(exponent)
        seconds = min(seconds, cap.seconds)
        let jittered = seconds / 2 + seconds / 2 * min(max(random(), 0), 1)
        return .nanoseconds(Int64(jittered * 1e9))
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= 2 }
        return result
    }
}
