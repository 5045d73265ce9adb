import ForgeCore
import Testing

/// Refresh-only status writes are paced so they never take the request budget change-driven
/// writes need (AggregatorEngine+WriteBudget).
@Suite struct RefreshPacerTests {
    let start = MonotonicInstant(nanoseconds: 1_000_000_000_000)

    @Test func grantsUpToTheSavedBudgetThenTheRate() {
        var pacer = RefreshPacer(rate: 25, capacity: 25)
        #expect(pacer.take(upTo: 1000, now: start) == 25, "a full bucket at first")
        #expect(pacer.take(upTo: 1000, now: start) == 0, "then nothing until time passes")
        #expect(pacer.take(upTo: 1000, now: start.advanced(by: .milliseconds(400))) == 10, "25/s for 0.4 s")
        #expect(pacer.take(upTo: 3, now: start.advanced(by: .seconds(1))) == 3, "never more than wanted")
        // The 0.6 s before held 15: the 12 not taken are still there.
        #expect(pacer.take(upTo: 1000, now: start.advanced(by: .seconds(1))) == 12)
    }

    @Test func savesAtMostItsCapacity() {
        var pacer = RefreshPacer(rate: 25, capacity: 25)
        _ = pacer.take(upTo: 25, now: start)
        #expect(pacer.take(upTo: 1000, now: start.advanced(by: .seconds(60))) == 25, "an idle minute saves one tick's worth")
    }

    /// Over a long run the refreshes sent follow the rate, however often passes ask.
    @Test func sustainedRateIsTheConfiguredRate() {
        var pacer = RefreshPacer(rate: 25, capacity: 25)
        var sent = 0
        for step in 1...1000 {  // a pass every 10 ms for 10 s, each wanting everything
            sent += pacer.take(upTo: 1000, now: start.advanced(by: .milliseconds(10 * step)))
        }
        #expect(sent >= 25 + 245 && sent <= 25 + 250, "capacity plus 10 s at 25/s (got \(sent))")
    }

    @Test func aZeroRateStillRefusesWithoutCrashing() {
        var pacer = RefreshPacer(rate: 0, capacity: 0)
        #expect(pacer.take(upTo: 5, now: start) == 1, "capacity is at least one")
        #expect(pacer.take(upTo: 5, now: start.advanced(by: .seconds(100))) == 0)
    }
}
