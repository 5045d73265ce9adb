@testable import ForgeNode
import Testing

@Suite struct ForgingIntervalsTests {
    @Test func handOverWithoutOverlapPasses() throws {
        var timeline = ForgingTimeline()
        try timeline.add(text: "100 1 enabled start\n200 1 disabled sighup\n", source: "pod-0")
        try timeline.add(text: "200 2 enabled sighup\n\n350 2 disabled exit\n", source: "pod-1")
        let intervals = try timeline.intervals(openUntil: 1000)
        #expect(intervals.map { [$0.start, $0.end] } == [[100, 200], [200, 350]])
        #expect(try timeline.overlaps(openUntil: 1000).isEmpty)  // touching is not overlapping
    }

    @Test func overlapIsDetected() throws {
        var timeline = ForgingTimeline()
        try timeline.add(text: "100 1 enabled sighup\n300 1 disabled sighup\n", source: "pod-0")
        try timeline.add(text: "250 2 enabled sighup\n400 2 disabled sighup\n", source: "pod-1")
        try timeline.add(text: "500 3 enabled sighup\n600 3 disabled sighup\n", source: "pod-2")
        let overlaps = try timeline.overlaps(openUntil: 1000)
        #expect(overlaps.count == 1)
        #expect(overlaps.first.map { [$0.0.pid, $0.1.pid] } == [1, 2])
    }

    @Test func openIntervalEndsAtRecordedDeathOrQueryTime() throws {
        var timeline = ForgingTimeline()
        try timeline.add(text: "100 1 enabled sighup\n", source: "pod-0")   // SIGKILLed while forging
        try timeline.add(text: "400 2 enabled sighup\n", source: "pod-1")   // still forging
        // Without the death time pod-0 would be open until 1000 and overlap pod-1.
        #expect(try timeline.overlaps(openUntil: 1000).count == 1)
        timeline.recordDeath(pid: 1, at: 350)
        let intervals = try timeline.intervals(openUntil: 1000)
        #expect(intervals.map { [$0.start, $0.end] } == [[100, 350], [400, 1000]])
        #expect(intervals.allSatisfy { $0.open })
        #expect(try timeline.overlaps(openUntil: 1000).isEmpty)
    }

    @Test func malformedInputIsRejectedWithItsLine() throws {
        #expect(throws: ForgingIntervalsError.self) { try ForgingTimeline.parse("100 1 enabled x\nbogus\n", source: "f") }
        #expect(throws: ForgingIntervalsError.self) { try ForgingTimeline.parse("100 1 maybe x\n", source: "f") }
        var doubled = ForgingTimeline()
        try doubled.add(text: "100 1 enabled a\n200 1 enabled b\n", source: "f")
        #expect(throws: ForgingIntervalsError.self) { try doubled.intervals(openUntil: 300) }
    }
}
