import FoundationEssentials

/// The health of this region as judged by its health-check probes, with hysteresis.
///
/// Below `failureThreshold` consecutive failures nothing changes, so a single failed probe can
/// never move forging to another region; at or above it the region is unhealthy (not
/// eligible, effective priority +100) until `healthyAfter` consecutive successes.
public struct HealthTracker: Equatable, Sendable {
    /// Applied whatever the CR says: one failed probe must never be enough.
    public static let minimumFailureThreshold = 2
    public static let defaultFailureThreshold = 3
    public static let unhealthyPriorityPenalty = 100

    public private(set) var healthy = true
    public private(set) var consecutiveFailures = 0
    public private(set) var consecutiveSuccesses = 0
    public private(set) var probes = 0
    public private(set) var lastProbeTime: Date?
    public private(set) var lastResponseTime: Duration?
    public private(set) var lastStatus: Int?
    public private(set) var lastError: String?

    public var failureThreshold: Int
    public var healthyAfter: Int

    public init(failureThreshold: Int = HealthTracker.defaultFailureThreshold, healthyAfter: Int = 1) {
        self.failureThreshold = max(failureThreshold, Self.minimumFailureThreshold)
        self.healthyAfter = max(healthyAfter, 1)
    }

    /// Records one probe. `status` is the HTTP status (nil if none was received).
    public mutating func record(success: Bool, status: Int?, error: String?, responseTime: Duration, at time: Date) {
        probes += 1
        lastProbeTime = time
        lastResponseTime = responseTime
        lastStatus = status
        if success {
            consecutiveSuccesses += 1
            consecutiveFailures = 0
            lastError = nil
            if !healthy, consecutiveSuccesses >= healthyAfter { healthy = true }
        } else {
            consecutiveFailures += 1
            consecutiveSuccesses = 0
            lastError = error ?? status.map { "HTTP \($0)" } ?? "no response"
            if consecutiveFailures >= failureThreshold { healthy = false }
        }
    }

    /// The `healthStatus` block of the CR status.
    public func status(formatTime: (Date) -> String) -> CardanoForgeClusterStatus.HealthStatus {
        let message: String
        if probes == 0 {
            message = "no probe yet"
        } else if let lastError {
            message = healthy
                ? "probe failed (\(lastError)); \(consecutiveFailures) of \(failureThreshold) failures before unhealthy"
                : "unhealthy: \(consecutiveFailures) consecutive failures (last: \(lastError))"
        } else {
            message = healthy ? "healthy" : "recovering: \(consecutiveSuccesses) of \(healthyAfter) successes"
        }
        return .init(
            healthy: healthy,
            lastProbeTime: lastProbeTime.map(formatTime),
            consecutiveFailures: consecutiveFailures,
            message: message,
            responseTime: lastResponseTime.map(KubeDuration.format))
    }
}
