import ForgeCore
import Testing

@Suite struct EventCorrelatorTests {
    static let start = MonotonicInstant(nanoseconds: 1_000_000_000_000)
    static func key(_ object: String = "pod/bp-0", reason: String = "LeaseAcquired", note: String = "n") -> EventCorrelator.Key {
        .init(object: object, type: "Normal", reason: reason, action: "Elect", note: note)
    }

    @Test("a flapping object: 25 distinct events pass, the rest are dropped until the bucket refills")
    func rateLimitPerObject() {
        var correlator = EventCorrelator()
        var now = Self.start
        var created = 0, dropped = 0
        for index in 0..<100 {
            switch correlator.record(Self.key(note: "flap \(index)"), now: now) {
            case .create(let key): created += 1; correlator.created(key, name: "e\(index)")
            case .dropped: dropped += 1
            default: Issue.record("distinct notes never form a series")
            }
            now = now.advanced(by: .seconds(1))
        }
        #expect(created == 25 && dropped == 75 && correlator.droppedCount == 75)
        // Another object is not affected.
        #expect(correlator.record(Self.key("pod/bp-1", note: "x"), now: now) == .create(Self.key("pod/bp-1", note: "x")))
        // One token per 5 minutes.
        now = now.advanced(by: .seconds(300))
        #expect(correlator.record(Self.key(note: "after refill"), now: now) == .create(Self.key(note: "after refill")))
        #expect(correlator.record(Self.key(note: "too soon"), now: now) == .dropped)
    }

    @Test("repeats form a series: counted, patched at most every flush interval, flushed later")
    func series() {
        var correlator = EventCorrelator()
        let key = Self.key()
        #expect(correlator.record(key, now: Self.start) == .create(key))
        correlator.created(key, name: "bp-0.1")
        var now = Self.start.advanced(by: .seconds(1))
        // The first repeat starts the series at once.
        #expect(correlator.record(key, now: now) == .patchSeries(name: "bp-0.1", count: 2, key: key))
        now = Self.start.advanced(by: .seconds(2))
        #expect(correlator.record(key, now: now) == .counted)
        #expect(correlator.flush(now: now) == [])
        now = Self.start.advanced(by: .seconds(31))
        #expect(correlator.flush(now: now) == [.patchSeries(name: "bp-0.1", count: 3, key: key)])
        #expect(correlator.flush(now: now) == [], "sent once")
        now = now.advanced(by: .seconds(30))
        #expect(correlator.record(key, now: now) == .patchSeries(name: "bp-0.1", count: 4, key: key))
        // A thousand repeats inside one flush interval cost one patch and no token.
        for _ in 0..<1000 { _ = correlator.record(key, now: now.advanced(by: .seconds(1))) }
        #expect(correlator.flush(now: now.advanced(by: .seconds(31))) == [.patchSeries(name: "bp-0.1", count: 1004, key: key)])
    }

    @Test("after the series window a repeat is a new Event; a failed create is retried by the next occurrence")
    func windowAndFailedCreate() {
        var correlator = EventCorrelator()
        let key = Self.key()
        #expect(correlator.record(key, now: Self.start) == .create(key))
        correlator.created(key, name: nil)
        #expect(correlator.record(key, now: Self.start.advanced(by: .seconds(1))) == .create(key))
        correlator.created(key, name: "bp-0.2")
        let later = Self.start.advanced(by: .seconds(400))
        _ = correlator.flush(now: later)
        #expect(correlator.record(key, now: later) == .create(key))
    }

    @Test("table: what counts as the same event", arguments: [
        (key(), key(), true),
        (key(), key(note: "other"), false),
        (key(), key(reason: "LeaseLost"), false),
        (key(), key("pod/bp-1"), false),
    ])
    func sameness(_ first: EventCorrelator.Key, _ second: EventCorrelator.Key, _ same: Bool) {
        var correlator = EventCorrelator()
        _ = correlator.record(first, now: Self.start)
        correlator.created(first, name: "e")
        let decision = correlator.record(second, now: Self.start.advanced(by: .seconds(1)))
        #expect((decision == .patchSeries(name: "e", count: 2, key: first)) == same)
    }
}
