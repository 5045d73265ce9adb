/// How one election attempt ended, as far as scheduling the next one goes.
public enum LeaseAttemptOutcome: Sendable, Equatable {
    /// The attempt acquired or renewed: we lead.
    case leading
    /// The attempt read the lease and found it held by someone else, not yet expired.
    case waiting
    /// Anything else: a request failed or timed out, a write lost its race or came back too
    /// late to confer leadership, the attempt was not started for lack of time.
    case failed
}

/// When a candidate's next attempt is due. Pure (the elector feeds it what happened, on its
/// monotonic clock, and asks); the reasons are API traffic and take-over speed, never safety:
/// every attempt still reads and compare-and-swaps, and fencing has its own timer.
///
/// - Leading: the next renewal starts `renewCadence` after the last successful one started,
///   and `retryPeriod` after a failed one (validated: two attempts fit inside renewDeadline).
/// - Not leading, with a healthy lease watch: no polling. The watch delivers every change of
///   the record (each restarts the expiry wait, `LeaseElection.observe`), so the next read is
///   due only when the lease may be taken: when it expires by our own observation (the crash
///   path), or at once when a watch event shows it free, deleted or ours.
/// - Not leading, with the watch broken, not yet confirmed, or after a failed attempt: poll
///   every retryPeriod × [0.8, 1) as before, still waking at expiry if that comes sooner.
///
/// "Healthy" means the current watch stream has delivered an event (a change or a bookmark)
/// and has not failed since. A stream the server ends cleanly is resumed from the last
/// resourceVersion, so nothing is missed and it stays healthy. A read that finds a change the
/// watch never delivered proves the watch stalled: back to polling until it delivers again.
public struct LeaseAttemptSchedule: Sendable, Equatable {
    public let renewCadence: Duration
    public let retryPeriod: Duration
    public private(set) var lastStart: MonotonicInstant?
    public private(set) var outcome: LeaseAttemptOutcome = .failed
    /// A standby's next poll, drawn once per attempt (so re-planning does not redraw jitter).
    public private(set) var pollAt: MonotonicInstant?
    public private(set) var watchHealthy = false
    /// A watch event since the current attempt began showed the lease takeable: try again at
    /// once even if that attempt's (older) read hid it.
    public private(set) var wakeRequested = false

    public init(renewCadence: Duration, retryPeriod: Duration) {
        self.renewCadence = renewCadence
        self.retryPeriod = retryPeriod
    }

    public init(config: LeaderElectionConfig) {
        self.init(renewCadence: config.renewCadence, retryPeriod: config.retryPeriod)
    }

    // MARK: what happened

    public mutating func attemptStarted(at now: MonotonicInstant) {
        lastStart = now
        wakeRequested = false
    }

    /// `unitRandom` (uniform in [0, 1)) draws the standby's poll jitter.
    public mutating func attemptEnded(_ outcome: LeaseAttemptOutcome, at now: MonotonicInstant, unitRandom: Double) {
        self.outcome = outcome
        let delay = LeaseElection.acquireRetryDelay(retryPeriod: retryPeriod, now: now, expiresAt: nil, unitRandom: unitRandom)
        pollAt = now.advanced(by: delay)
    }

    /// The watch delivered an event. Returns true when this made it healthy.
    public mutating func watchDelivered() -> Bool {
        defer { watchHealthy = true }
        return !watchHealthy
    }

    /// The watch failed, was refused, cannot be opened, or missed a change a read found.
    /// Returns true when it was healthy until now.
    public mutating func watchBroke() -> Bool {
        defer { watchHealthy = false }
        return watchHealthy
    }

    /// A watch event made taking the lease possible.
    public mutating func wake() { wakeRequested = true }

    // MARK: deciding

    /// When the next attempt is due (at or before `now`: start it now).
    public func nextAttempt(for election: LeaseElection, at now: MonotonicInstant) -> MonotonicInstant {
        guard let start = lastStart else { return now }
        if election.isLeader {
            let due = start.advanced(by: outcome == .leading ? renewCadence : retryPeriod)
            // The fence timer ends leadership by itself; waking then re-plans as a standby.
            return min(due, election.fenceDeadline ?? due)
        }
        if wakeRequested { return now }
        var due: MonotonicInstant?
        if outcome == .waiting, let takeOver = election.takeOverPossibleAt {
            due = takeOver
        }
        if outcome != .waiting || !watchHealthy, let poll = pollAt {
            due = min(due ?? poll, poll)
        }
        return due ?? now
    }
}
