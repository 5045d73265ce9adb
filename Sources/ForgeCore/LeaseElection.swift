import FoundationEssentials

/// The leader-election state machine of one candidate, free of I/O and of the wall clock.
///
/// Semantics follow client-go's `tools/leaderelection`:
/// - A foreign lease expires `leaseDurationSeconds` (from the record) after this process last
///   *observed the record change*, on its own monotonic clock. `renewTime` is never compared
///   with any clock, so wall-clock jumps and skew between hosts change nothing.
/// - A lease that is absent, has no holder, is expired by that rule, or names us may be taken;
///   every write is a compare-and-swap on the observed resourceVersion, so of several
///   candidates at most one wins.
///
/// Added for fencing: leadership is valid until `fenceDeadline` = (send time of the last
/// successful acquire/renew request) + renewDeadline. Because renewDeadline < leaseDuration and
/// any other candidate can only observe our write after we sent it, we stop leading strictly
/// before anyone else may take over. A write whose request was sent before we last stepped
/// down, or that came back too late to leave any validity, never confers leadership: the next
/// attempt goes through the normal CAS path instead.
///
/// Re-acquiring a record that still names us (after a fence, or after a restart with the same
/// identity) is allowed at once, as in client-go. It is safe because the CAS succeeds only if
/// nobody wrote the lease since we read it; a standby that was about to take over then sees
/// the record change again and restarts its own expiry wait.
public struct LeaseElection: Sendable {
    public let identity: String
    public let leaseDuration: Duration
    public let renewDeadline: Duration
    public let retryPeriod: Duration

    /// The record last read or written (nil: never observed, or observed absent).
    public private(set) var observedRecord: LeaseRecord?
    /// When this process last saw the record change (monotonic).
    public private(set) var observedAt: MonotonicInstant?
    public private(set) var isLeader = false
    public private(set) var fenceDeadline: MonotonicInstant?
    /// Wall-clock time of the last acquisition (informational).
    public private(set) var acquiredAt: Date?
    /// When leadership last ended (fence, loss, release): older writes are stale.
    private var steppedDownAt: MonotonicInstant?
    private var hasObserved = false

    public init(config: LeaderElectionConfig) {
        identity = config.identity
        leaseDuration = config.leaseDuration
        renewDeadline = config.renewDeadline
        retryPeriod = config.retryPeriod
    }

    public var observedHolder: String? { observedRecord?.holder }
    public var leaseTransitions: Int { observedRecord?.leaseTransitions ?? 0 }

    // MARK: observing

    /// Records a freshly read lease (nil: it does not exist).
    public mutating func observe(_ record: LeaseRecord?, at now: MonotonicInstant) -> [LeadershipEvent] {
        var events: [LeadershipEvent] = []
        let previousHolder = observedRecord?.holder
        if !hasObserved || record != observedRecord {
            // Any change (holder, renewTime, resourceVersion, ...) restarts the expiry wait.
            observedRecord = record
            observedAt = now
        }
        if !hasObserved || record?.holder != previousHolder {
            events.append(.observed(holder: record?.holder))
        }
        hasObserved = true
        if isLeader, record?.holder != identity {
            let reason: String
            switch record {
            case nil: reason = "the lease was deleted"
            case let r? where r.holder == nil: reason = "the lease holder was cleared"
            case let r?: reason = "the lease is held by \(r.holder ?? "?")"
            }
            events += stepDown(at: now, .lost(reason: reason))
        }
        return events
    }

    // MARK: deciding

    /// When a foreign lease expires by our observation.
    public func expiry(of record: LeaseRecord, observedAt: MonotonicInstant) -> MonotonicInstant {
        // A record without a usable duration is judged by ours: never treat a held lease as
        // instantly expired because a field is missing.
        let seconds = record.leaseDurationSeconds.flatMap { $0 >= 1 ? $0 : nil }
        return observedAt.advanced(by: seconds.map { .seconds($0) } ?? leaseDuration)
    }

    /// Not leading: from when the observed record lets us try to take the lease (absent, free,
    /// ours, or expired by our observation); nil when nothing has been observed. A standby
    /// whose watch is healthy sleeps until then instead of polling.
    public var takeOverPossibleAt: MonotonicInstant? {
        guard hasObserved, let seenAt = observedAt else { return nil }
        guard let old = observedRecord, let holder = old.holder, holder != identity else { return seenAt }
        return expiry(of: old, observedAt: seenAt)
    }

    /// The next step. `wallNow` only fills the informational MicroTime fields.
    public func decide(at now: MonotonicInstant, wallNow: Date) -> LeaseElectionDecision {
        if isLeader, let deadline = fenceDeadline, now >= deadline { return .fenced }
        guard hasObserved, let seenAt = observedAt else { return .wait(holder: nil, expiresAt: nil) }
        let stamp = LeaseRecord.microTime(wallNow)
        let durationSeconds = Int(leaseDuration.components.seconds)
        guard let old = observedRecord else {
            return .create(LeaseRecord(
                holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: stamp,
                renewTime: stamp, leaseTransitions: 0))
        }
        var next = LeaseRecord(
            holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: stamp,
            renewTime: stamp, leaseTransitions: old.leaseTransitions ?? 0,
            resourceVersion: old.resourceVersion)
        switch old.holder {
        case identity?:
            if isLeader {
                next.acquireTime = old.acquireTime ?? stamp
                return .renew(next)
            }
            // Ours but we are not leading (fenced, or restarted): a new term, same holder.
            return .acquire(next)
        case nil:
            next.leaseTransitions = (old.leaseTransitions ?? 0) + 1
            return .acquire(next)
        case let other?:
            let expiresAt = expiry(of: old, observedAt: seenAt)
            if now < expiresAt { return .wait(holder: other, expiresAt: expiresAt) }
            next.leaseTransitions = (old.leaseTransitions ?? 0) + 1
            return .acquire(next)
        }
    }

    // MARK: outcomes of writes

    /// A create/update the server accepted. `sentAt`: when its request was sent.
    public mutating func writeSucceeded(
        _ written: LeaseRecord, sentAt: MonotonicInstant, at now: MonotonicInstant, wallNow: Date
    ) -> [LeadershipEvent] {
        var events = observe(written, at: now)
        guard written.holder == identity else { return events }
        let deadline = sentAt.advanced(by: renewDeadline)
        if let stepped = steppedDownAt, sentAt <= stepped {
            return events // sent before we stepped down: only an observation
        }
        if deadline <= now {
            return events // came back too late to be worth anything: re-acquire afresh
        }
        if isLeader {
            fenceDeadline = max(fenceDeadline ?? deadline, deadline)
            events.append(.renewed(at: sentAt, fenceDeadline: fenceDeadline ?? deadline))
        } else {
            isLeader = true
            fenceDeadline = deadline
            acquiredAt = wallNow
            events.append(.acquired(LeaseSnapshot(record: written, fenceDeadline: deadline, acquiredAt: wallNow)))
        }
        return events
    }

    // MARK: fencing and release

    /// Steps down if the fence deadline has passed. Call from a timer that fires at
    /// `fenceDeadline`, independent of any request in flight.
    public mutating func checkFence(at now: MonotonicInstant) -> [LeadershipEvent] {
        guard isLeader, let deadline = fenceDeadline, now >= deadline else { return [] }
        let late = now.duration(since: deadline)
        return stepDown(
            at: now,
            .fenced(reason: "no successful renewal within renewDeadline \(renewDeadline) (\(late) past the fence deadline)"))
    }

    /// Prepares the release write: steps down *before* it is sent (a standby may take over the
    /// moment it lands) and returns the record to PUT, or nil when the observed record does
    /// not name us (nothing to release). Like client-go: holder cleared (written as absent,
    /// which the API server stores the same as client-go's ""), leaseDurationSeconds 1,
    /// leaseTransitions kept. `wasLeader` tells whether leadership ended here.
    public mutating func beginRelease(at now: MonotonicInstant, wallNow: Date) -> (record: LeaseRecord?, wasLeader: Bool) {
        let wasLeader = isLeader
        if wasLeader {
            isLeader = false
            fenceDeadline = nil
            steppedDownAt = now
        }
        guard let old = observedRecord, old.holder == identity else { return (nil, wasLeader) }
        let stamp = LeaseRecord.microTime(wallNow)
        let record = LeaseRecord(
            holderIdentity: nil, leaseDurationSeconds: 1, acquireTime: stamp, renewTime: stamp,
            leaseTransitions: old.leaseTransitions ?? 0, resourceVersion: old.resourceVersion)
        return (record, wasLeader)
    }

    /// The release write landed.
    public mutating func releaseSucceeded(_ written: LeaseRecord, at now: MonotonicInstant) -> [LeadershipEvent] {
        observe(written, at: now) + [.released]
    }

    /// Ends leadership without a write (the elector stopped renewing and could not release):
    /// the consumer must stop acting as leader now, not at the fence deadline.
    public mutating func abandon(at now: MonotonicInstant, reason: String) -> [LeadershipEvent] {
        guard isLeader else { return [] }
        return stepDown(at: now, .lost(reason: reason))
    }

    private mutating func stepDown(at now: MonotonicInstant, _ event: LeadershipEvent) -> [LeadershipEvent] {
        isLeader = false
        fenceDeadline = nil
        steppedDownAt = now
        return [event]
    }
}
