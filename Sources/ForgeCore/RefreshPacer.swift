/// Paces writes that only refresh what is already published (nothing decided or reported
/// changed), so they can never use up the client's request budget that change-driven writes
/// need. A token bucket on an injected clock: `rate` refreshes per second, at most `capacity`
/// saved up. Change-driven writes do not go through it.
public struct RefreshPacer: Sendable {
    public let rate: Double
    public let capacity: Double
    private var tokens: Double
    private var last: MonotonicInstant?

    public init(rate: Double, capacity: Double) {
        self.rate = max(rate, 0)
        self.capacity = max(capacity, 1)
        self.tokens = self.capacity
    }

    /// How many of `wanted` refreshes may go now; those are taken from the budget.
    public mutating func take(upTo wanted: Int, now: MonotonicInstant) -> Int {
        if let last { tokens = min(capacity, tokens + max(0, now.duration(since: last).seconds) * rate) }
        last = now
        let granted = max(0, min(wanted, Int(tokens.rounded(.down))))
        tokens -= Double(granted)
        return granted
    }
}
