import Foundation
import Testing
@testable import ForgeCore

@Suite struct HealthTrackerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func probe(_ tracker: inout HealthTracker, _ ok: Bool) {
        tracker.record(success: ok, status: ok ? 200 : 503, error: nil, responseTime: .milliseconds(7), at: Self.t0)
    }

    @Test func belowThresholdNothingChanges() {
        var tracker = HealthTracker(failureThreshold: 3)
        probe(&tracker, false); probe(&tracker, false)
        #expect(tracker.healthy)
        #expect(tracker.consecutiveFailures == 2)
        probe(&tracker, false)
        #expect(!tracker.healthy)
        let status = tracker.status(formatTime: RFC3339.format)
        #expect(status.healthy == false && status.consecutiveFailures == 3 && status.responseTime == "7ms")
        #expect(status.message?.contains("HTTP 503") == true)
    }

    @Test func aSingleFailureIsNeverEnoughEvenWithThresholdOne() {
        var tracker = HealthTracker(failureThreshold: 1)
        probe(&tracker, false)
        #expect(tracker.healthy)
        probe(&tracker, false)
        #expect(!tracker.healthy)
    }

    @Test func successResetsTheFailureCount() {
        var tracker = HealthTracker(failureThreshold: 3)
        probe(&tracker, false); probe(&tracker, false); probe(&tracker, true); probe(&tracker, false); probe(&tracker, false)
        #expect(tracker.healthy)
    }

    @Test(arguments: [1, 3])
    func healthyAgainAfterConfiguredSuccesses(healthyAfter: Int) {
        var tracker = HealthTracker(failureThreshold: 2, healthyAfter: healthyAfter)
        probe(&tracker, false); probe(&tracker, false)
        #expect(!tracker.healthy)
        for i in 1...healthyAfter {
            #expect(!tracker.healthy, "healthy after only \(i - 1) successes")
            probe(&tracker, true)
        }
        #expect(tracker.healthy)
    }
}
