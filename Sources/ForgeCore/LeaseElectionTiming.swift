/// When to try next, and how long one attempt may take.
///
/// Retry jitter, and why it differs from client-go: client-go spreads acquire retries over
/// retryPeriod × [1, 2.2) (JitterFactor 1.2). That stretches the time a standby needs to notice
/// a released or expired lease to up to 2.2 × retryPeriod, which breaks this project's take-over
/// budgets (about one retryPeriod after a graceful release; leaseDuration + retryPeriod + 1 s
/// after a crash). We jitter *below* the period instead: retryPeriod × [0.8, 1.0). Candidates
/// still drift apart (and a lost race costs only a 409), and retryPeriod stays an upper bound.
/// A standby also wakes exactly when the lease it watches expires by its observation, instead
/// of up to one period later.
extension LeaseElection {
    /// Smallest fraction of retryPeriod between two acquire attempts.
    public static let retryJitterFloor = 0.8

    /// Delay before the next acquire attempt. `unitRandom` is uniform in [0, 1).
    public static func acquireRetryDelay(
        retryPeriod: Duration, now: MonotonicInstant, expiresAt: MonotonicInstant?, unitRandom: Double
    ) -> Duration {
        let unit = min(max(unitRandom, 0), 1)
        let factor = retryJitterFloor + (1 - retryJitterFloor) * unit
        let jittered = Duration.nanoseconds(Int64(Double(retryPeriod.nanoseconds) * factor))
        guard let expiresAt else { return jittered }
        let untilExpiry = expiresAt.duration(since: now)
        return max(.zero, min(jittered, untilExpiry))
    }

    /// The longest one attempt (read plus write) may take from `now`. A leader's attempt must
    /// not run past its fence deadline (a success after it would be worthless, and the fence
    /// fires regardless), and leaves one retryPeriod before it for a retry: otherwise a single
    /// hung request would use up the second attempt the renew cadence is validated to allow
    /// (renewInterval + retryPeriod < renewDeadline). It still gets at least one retryPeriod,
    /// or all that is left. No attempt may exceed renewDeadline: a write that lands later than
    /// its send time + renewDeadline cannot confer leadership anyway. Zero: do not start.
    public func attemptTimeout(at now: MonotonicInstant) -> Duration {
        guard isLeader, let deadline = fenceDeadline else { return renewDeadline }
        let left = max(.zero, deadline.duration(since: now))
        return min(renewDeadline, left, max(retryPeriod, left - retryPeriod))
    }
}
