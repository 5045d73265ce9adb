/// Timings and names of one leader election, with client-go's meaning:
///
/// - `leaseDuration`: how long a candidate waits, after it last saw the lease record change,
///   before it may take the lease over. Written to the record as whole seconds.
/// - `renewDeadline`: how long the leader keeps leadership without a successful renewal. The
///   leader fences itself (stops acting as leader) when this passes since the last successful
///   acquire/renew request was *sent*. Must be shorter than `leaseDuration`, so the old leader
///   has stopped before any candidate can possibly consider the lease expired.
/// - `renewInterval`: the leader's cadence: the next renewal is due this long after the last
///   successful one started (nil: every `retryPeriod`, client-go's cadence).
/// - `retryPeriod`: the interval between attempts after a failed one (the leader's retries, a
///   standby's reads while its lease watch is not healthy).
public struct LeaderElectionConfig: Sendable, Equatable {
    public var leaseName: String
    public var namespace: String
    public var identity: String
    public var leaseDuration: Duration
    public var renewDeadline: Duration
    public var retryPeriod: Duration
    /// nil: renew every `retryPeriod`. Set: `renewInterval` + `retryPeriod` < `renewDeadline`,
    /// so a failed renewal is retried at least once before the fence.
    public var renewInterval: Duration?
    /// Clear the holder when `run()` is cancelled, so a standby takes over within about one
    /// `retryPeriod` instead of waiting for `leaseDuration`. Only safe if whatever the lease
    /// guards has already stopped when the run is cancelled.
    public var releaseOnCancel: Bool

    public init(
        leaseName: String, namespace: String, identity: String,
        leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
        retryPeriod: Duration = .seconds(2), renewInterval: Duration? = nil, releaseOnCancel: Bool = true
    ) {
        self.leaseName = leaseName
        self.namespace = namespace
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.renewInterval = renewInterval
        self.releaseOnCancel = releaseOnCancel
    }

    /// `leaseDuration` in the whole seconds the Lease's `leaseDurationSeconds` field holds.
    public var leaseDurationSeconds: Int { Int(leaseDuration.components.seconds) }

    /// How long after a successful renewal started the next one is due.
    public var renewCadence: Duration { renewInterval ?? retryPeriod }

    /// Throws a `LeaderElectionConfigError` naming the first offending setting.
    ///
    /// client-go additionally demands renewDeadline > 1.2 × retryPeriod because its acquire
    /// jitter can stretch a retry to 2.2 × retryPeriod; our retries never exceed retryPeriod
    /// (see `LeaseElectionTiming`), so the plain ordering is enough.
    public func validate() throws {
        func fail(_ message: String) throws -> Never { throw LeaderElectionConfigError(message: message) }
        if identity.isEmpty { try fail("identity must not be empty (it is written as the lease holder)") }
        if leaseName.isEmpty { try fail("lease name must not be empty") }
        if namespace.isEmpty { try fail("namespace must not be empty") }
        if leaseDuration <= .zero { try fail("leaseDuration must be positive, got \(leaseDuration)") }
        if renewDeadline <= .zero { try fail("renewDeadline must be positive, got \(renewDeadline)") }
        if retryPeriod <= .zero { try fail("retryPeriod must be positive, got \(retryPeriod)") }
        if leaseDuration.components.attoseconds != 0 || leaseDurationSeconds < 1 {
            try fail("leaseDuration must be a whole number of seconds >= 1 (the Lease stores whole seconds), got \(leaseDuration)")
        }
        if renewDeadline >= leaseDuration {
            try fail("renewDeadline (\(renewDeadline)) must be shorter than leaseDuration (\(leaseDuration)): the leader must fence itself before others may take over")
        }
        if retryPeriod >= renewDeadline {
            try fail("retryPeriod (\(retryPeriod)) must be shorter than renewDeadline (\(renewDeadline)): the leader needs at least one retry before it fences")
        }
        if let renewInterval {
            if renewInterval <= .zero { try fail("renewInterval must be positive, got \(renewInterval)") }
            // The renewal due at renewInterval may fail; its retry, one retryPeriod later, must
            // still start before the fence deadline (renewDeadline after the last success).
            if renewInterval + retryPeriod >= renewDeadline {
                try fail("renewInterval (\(renewInterval)) + retryPeriod (\(retryPeriod)) must be shorter than renewDeadline (\(renewDeadline)): a failed renewal needs a second attempt before the leader fences")
            }
        }
    }
}

/// An invalid `LeaderElectionConfig`; the message names the setting and the rule.
public struct LeaderElectionConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { "invalid leader election configuration: \(message)" }
}
