/// What a candidate should do next, given what it last observed of the lease.
public enum LeaseElectionDecision: Equatable, Sendable {
    /// The lease does not exist: create it (POST) with this record.
    case create(LeaseRecord)
    /// Take the lease over (it is free, expired by our observation, or ours but we are not
    /// currently leader): PUT this record; its `resourceVersion` makes the write a CAS.
    case acquire(LeaseRecord)
    /// We lead: PUT this renewal (CAS on the observed resourceVersion).
    case renew(LeaseRecord)
    /// Someone else holds an unexpired lease. `expiresAt` is when it expires by our
    /// observation unless we see it change again (nil until something has been observed).
    case wait(holder: String?, expiresAt: MonotonicInstant?)
    /// We were leader but the fence deadline has passed: step down before anything else.
    case fenced
}
