import ForgeCore
import Testing

@Suite("LeaseLiveness")
struct LeaseLivenessTests {
    let t1 = AggregatorTerm(lease: "l", holder: "a", acquireTime: "1")

    func record(_ holder: String?, _ acquire: String?, _ version: String) -> LeaseRecord {
        LeaseRecord(holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: acquire, resourceVersion: version)
    }

    @Test("the first observation is a baseline; changes with a holder are life, per term")
    func baselineAndTerms() {
        var l = LeaseLiveness()
        let start = MonotonicInstant(nanoseconds: 1_000)
        l.observe(lease: "l", record: record("a", "1", "5"), at: start)
        #expect(l.lastLife == nil)
        #expect(l.currentTerm == t1)
        let later = start.advanced(by: .seconds(2))
        l.observe(lease: "l", record: record("a", "1", "6"), at: later)
        #expect(l.lastLife(of: t1) == later)
        let release = later.advanced(by: .seconds(1))
        l.observe(lease: "l", record: record(nil, nil, "7"), at: release)
        #expect(l.lastLife == later, "a release is not life")
        #expect(l.currentTerm == nil)
        let other = release.advanced(by: .seconds(1))
        l.observe(lease: "l", record: record("b", "2", "8"), at: other)
        #expect(l.lastLife(of: AggregatorTerm(lease: "l", holder: "b", acquireTime: "2")) == other)
        #expect(l.lastLife(of: t1) == later)
    }

    @Test("only a few terms are remembered")
    func bounded() {
        var l = LeaseLiveness()
        var now = MonotonicInstant(nanoseconds: 0)
        l.observe(lease: "l", record: nil, at: now)
        for i in 0..<10 {
            now = now.advanced(by: .seconds(1))
            l.observe(lease: "l", record: record("h\(i)", "\(i)", "\(i)"), at: now)
        }
        #expect(l.lastLife(of: AggregatorTerm(lease: "l", holder: "h0", acquireTime: "0")) == nil)
        #expect(l.lastLife(of: AggregatorTerm(lease: "l", holder: "h9", acquireTime: "9")) == now)
    }
}
