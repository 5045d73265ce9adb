import Foundation
import Testing
@testable import ForgeCore

@Suite struct LeaseElectionConfigTests {
    func config(lease: Duration = .seconds(15), renew: Duration = .seconds(10), retry: Duration = .seconds(2),
                identity: String = "pod-a") -> LeaderElectionConfig {
        LeaderElectionConfig(leaseName: "lease", namespace: "ns", identity: identity,
                             leaseDuration: lease, renewDeadline: renew, retryPeriod: retry)
    }

    func message(_ c: LeaderElectionConfig) -> String? {
        do { try c.validate(); return nil } catch let e as LeaderElectionConfigError { return e.message } catch {
            return "unexpected \(error)"
        }
    }

    @Test func defaultsAndShortTestTimingsAreValid() throws {
        try config().validate()
        try config(lease: .seconds(3), renew: .seconds(2), retry: .milliseconds(500)).validate()
        #expect(config().leaseDurationSeconds == 15)
    }

    @Test func renewDeadlineMustBeShorterThanLeaseDuration() {
        #expect(message(config(lease: .seconds(10), renew: .seconds(10)))?.contains("renewDeadline") == true)
        #expect(message(config(lease: .seconds(10), renew: .seconds(12)))?.contains("shorter than leaseDuration") == true)
    }

    @Test func retryPeriodMustBeShorterThanRenewDeadline() {
        #expect(message(config(renew: .seconds(2), retry: .seconds(2)))?.contains("retryPeriod") == true)
    }

    @Test func renewIntervalLeavesRoomForARetryBeforeTheFence() throws {
        var c = config()
        c.renewInterval = .seconds(5)
        try c.validate()
        #expect(c.renewCadence == .seconds(5))
        c.renewInterval = .seconds(8)
        let text = message(c)
        #expect(text?.contains("renewInterval (8.0 seconds) + retryPeriod (2.0 seconds) must be shorter than renewDeadline (10.0 seconds)") == true, "\(text ?? "")")
        c.renewInterval = .zero
        #expect(message(c)?.contains("renewInterval must be positive") == true)
        c.renewInterval = nil
        try c.validate()
        #expect(c.renewCadence == .seconds(2), "unset: renew every retryPeriod")
    }

    @Test func nonPositiveValuesAreRejected() {
        #expect(message(config(lease: .zero))?.contains("leaseDuration must be positive") == true)
        #expect(message(config(renew: .seconds(-1)))?.contains("renewDeadline must be positive") == true)
        #expect(message(config(retry: .zero))?.contains("retryPeriod must be positive") == true)
        #expect(message(config(identity: ""))?.contains("identity") == true)
    }

    @Test func leaseDurationMustBeWholeSeconds() {
        #expect(message(config(lease: .milliseconds(2500), renew: .seconds(2), retry: .seconds(1)))?
            .contains("whole number of seconds") == true)
        #expect(message(config(lease: .milliseconds(900), renew: .milliseconds(500), retry: .milliseconds(100)))?
            .contains("whole number of seconds") == true)
    }

    @Test func acquireRetriesStayWithinTheRetryPeriodAndStopAtExpiry() {
        let now = MonotonicInstant(nanoseconds: 1_000_000_000)
        let p = Duration.seconds(2)
        #expect(LeaseElection.acquireRetryDelay(retryPeriod: p, now: now, expiresAt: nil, unitRandom: 0) == .milliseconds(1600))
        let top = LeaseElection.acquireRetryDelay(retryPeriod: p, now: now, expiresAt: nil, unitRandom: 0.999_999)
        #expect(top < p && top > .seconds(1.99))
        #expect(LeaseElection.acquireRetryDelay(
            retryPeriod: p, now: now, expiresAt: now.advanced(by: .milliseconds(300)), unitRandom: 0.5) == .milliseconds(300))
        #expect(LeaseElection.acquireRetryDelay(
            retryPeriod: p, now: now, expiresAt: now.advanced(by: .seconds(-1)), unitRandom: 0.5) == .zero)
    }

    @Test func microTimeHasSixFractionalDigitsInUTC() {
        #expect(LeaseRecord.microTime(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000Z")
        #expect(LeaseRecord.microTime(Date(timeIntervalSince1970: 1_750_000_000.123456)) == "2025-06-15T15:06:40.123456Z")
        #expect(LeaseRecord.microTime(Date(timeIntervalSince1970: 1_750_000_000.9999999)) == "2025-06-15T15:06:41.000000Z")
    }
}
