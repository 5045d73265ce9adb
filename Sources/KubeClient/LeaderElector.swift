import FoundationEssentials
import ForgeCore
import Logging

/// Campaigns for a lease and reports leadership as a stream of `LeadershipEvent`s.
///
/// The decisions are `LeaseElection`'s (pure, tested with a manual clock); this actor does the
/// I/O and the timing:
/// - Not leading: read the lease, and create / take it over when `LeaseElection` says so. A
///   standby watches the lease (`LeaderElectorWatch`): every change seen there restarts the
///   expiry wait as a read that saw it would, and a release or deletion starts the next
///   attempt (read, then compare-and-swap) at once. While the watch is healthy the standby
///   does not poll: it reads only when the lease it waits on expires by its own clock (the
///   crash path) or the watch shows it free. While the watch is broken or unconfirmed, or
///   after a failed attempt, it polls every retryPeriod × [0.8, 1) (`LeaseAttemptSchedule`).
///   The leader does not watch.
/// - Leading: renew every renewCadence (RENEW_INTERVAL) with a PUT on the resourceVersion we
///   last wrote (one request in steady state), retry every retryPeriod after a failure; after
///   a lost compare-and-swap, re-read and decide again.
/// - Every attempt is bounded so it cannot run past the fence deadline (nor past
///   renewDeadline); a separate timer fires `.fenced` at the fence deadline whatever requests
///   are still in flight.
/// - API errors, timeouts, 409s, 404s are all "try again next period"; only the fence deadline
///   decides when leadership ends for lack of renewals.
/// - The wall clock (injectable for tests) only stamps the informational acquireTime/renewTime.
public actor LeaderElector {
    public nonisolated let config: LeaderElectionConfig
    /// Single-consumer stream; every access returns the same stream. Buffers the newest 1024
    /// events, so an absent consumer cannot grow memory without bound.
    public nonisolated let events: AsyncStream<LeadershipEvent>
    private let continuation: AsyncStream<LeadershipEvent>.Continuation
    let lock: LeaseLock
    let clock: MonotonicClock
    private let wallClock: @Sendable () -> Date
    let logger: Logger

    var election: LeaseElection
    private var fenceTimer: Task<Void, Never>?
    private var currentAttempt: Task<Void, Never>?
    // Internal rather than private: LeaderElector+Watch.swift uses them.
    /// The standby's lease watch; nil while leading or stopped.
    var watcher: Task<Void, Never>?
    /// Identifies the current watcher, so a replaced one's late events are ignored.
    var watcherGeneration = 0
    /// The sleep between attempts, cancelled to re-plan (and perhaps start the next attempt) early.
    var pause: Task<Void, Never>?
    /// When the next attempt is due, from what the attempts and the watch saw.
    var schedule: LeaseAttemptSchedule
    /// How the current attempt ended (set by `attempt()`).
    private var attemptOutcome = LeaseAttemptOutcome.failed
    var running = false
    /// Set by `release()`: the elector never campaigns again.
    var resigned = false
    /// Consulted before every write of the lease (create, acquire, renew): false skips the
    /// write, as a failed attempt would. The aggregator uses it to stop vouching for its
    /// region while its own status writes are not current (docs/SAFETY.md).
    private var writeGate: (@Sendable () async -> Bool)?

    /// Throws `LeaderElectionConfigError` if `config` is invalid.
    public init(
        config: LeaderElectionConfig, lock: LeaseLock, clock: MonotonicClock = SystemMonotonicClock(),
        wallClock: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) throws {
        try config.validate()
        self.config = config
        self.lock = lock
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
        self.election = LeaseElection(config: config)
        self.schedule = LeaseAttemptSchedule(config: config)
        (events, continuation) = AsyncStream.makeStream(of: LeadershipEvent.self, bufferingPolicy: .bufferingNewest(1024))
    }

    public func setWriteGate(_ gate: @escaping @Sendable () async -> Bool) { writeGate = gate }

    public var isLeader: Bool { election.isLeader }
    /// Send time of the last successful acquire/renew + renewDeadline; nil when not leader.
    public var fenceDeadline: MonotonicInstant? { election.fenceDeadline }
    public var observedHolder: String? { election.observedHolder }
    public var leaseTransitions: Int { election.leaseTransitions }
    /// Wall-clock time of the current term's acquisition; nil when not leader.
    public var acquiredAt: Date? { election.isLeader ? election.acquiredAt : nil }
    /// A standby's lease watch has delivered and not failed since: the standby is not polling.
    public var isWatchHealthy: Bool { schedule.watchHealthy }

    /// Campaigns until the calling task is cancelled (then releases the lease if
    /// `releaseOnCancel`) or `release()` is called. Finishes `events` when it returns.
    public func run() async {
        guard !running else {
            logger.error("LeaderElector.run() called twice; ignoring the second call")
            return
        }
        running = true
        emit([.started(identity: config.identity)])
        logger.info("campaigning for lease \(lock.lockDescription) as \(config.identity)")
        while !Task.isCancelled && !resigned {
            // Changes seen before this attempt's read are covered by that read.
            schedule.attemptStarted(at: clock.now())
            let attempt = Task { await self.attempt() }
            currentAttempt = attempt
            await withTaskCancellationHandler { await attempt.value } onCancel: { attempt.cancel() }
            currentAttempt = nil
            if Task.isCancelled || resigned { break }
            schedule.attemptEnded(attemptOutcome, at: clock.now(), unitRandom: Double.random(in: 0..<1))
            updateWatcher()
            // Sleep until the next attempt is due. Watch events move that time (a renewal
            // seen later, a release now), so re-plan whenever the pause ends or is cut short.
            while !Task.isCancelled && !resigned {
                let now = clock.now()
                let delay = schedule.nextAttempt(for: election, at: now).duration(since: now)
                if delay <= .zero { break }
                let pause = Task { _ = try? await Task.sleep(for: delay) }
                self.pause = pause
                await withTaskCancellationHandler { await pause.value } onCancel: { pause.cancel() }
                self.pause = nil
            }
        }
        stopWatcher()
        if !resigned && config.releaseOnCancel {
            // Our task is cancelled: release from a fresh task so its requests are not.
            await Task { await self.release() }.value
        }
        fenceTimer?.cancel()
        fenceTimer = nil
        emit(election.abandon(at: clock.now(), reason: "elector stopped without releasing the lease; others may take it after leaseDuration"))
        continuation.finish()
    }

    /// Clears the holder (compare-and-swap) if the lease names us, so a standby takes over
    /// within about one retryPeriod. Leadership ends before the write is sent. Afterwards the
    /// elector does not campaign again (`run()` returns): create a new one to rejoin.
    public func release() async {
        resigned = true
        stopWatcher()
        if let attempt = currentAttempt {
            // A write in flight could land after ours; stop it first (returns promptly).
            attempt.cancel()
            await attempt.value
        }
        fenceTimer?.cancel()
        fenceTimer = nil
        var failure = "the lease does not name us"
        var wasLeader = false
        for _ in 0..<3 {
            let (record, leading) = election.beginRelease(at: clock.now(), wallNow: wallClock())
            wasLeader = wasLeader || leading
            guard let record else { break }
            let lock = self.lock
            switch await withElectionDeadline(config.renewDeadline, "release", { try await lock.update(record) }) {
            case .success(let written):
                emit(election.releaseSucceeded(written, at: clock.now()))
                logger.info("released lease \(lock.lockDescription)")
                return
            case .failure(let error as LeaseLockError):
                // Changed since we read it (perhaps by our own cancelled renewal): look again.
                failure = error.description
                switch await withElectionDeadline(config.renewDeadline, "read", { try await lock.get() }) {
                case .success(let current): emit(election.observe(current, at: clock.now()))
                case .failure(let error): failure = "\(error)"
                }
            case .failure(let error):
                failure = "\(error)"
            }
        }
        if wasLeader {
            logger.warning("could not release lease \(lock.lockDescription): \(failure)")
            emit([.lost(reason: "stepped down; releasing the lease failed (\(failure)), so it expires after leaseDuration")])
        }
    }

    // MARK: attempts

    private func attempt() async {
        attemptOutcome = .failed
        let start = clock.now()
        let budget = election.attemptTimeout(at: start)
        guard budget > .zero else {
            emit(election.checkFence(at: start))
            return
        }
        let deadline = start.advanced(by: budget)
        let lock = self.lock
        // Leading: renew straight from what we last wrote (fast path). Otherwise, or after a
        // lost compare-and-swap, read first. At most one re-read per attempt.
        var mustRead = !election.isLeader
        for _ in 0..<2 {
            if mustRead {
                let read = await withElectionDeadline(remaining(until: deadline), "read") { try await lock.get() }
                guard !Task.isCancelled, !resigned else { return }
                switch read {
                case .success(let record):
                    if schedule.watchHealthy, record != election.observedRecord, schedule.watchBroke() {
                        // A change the watch never delivered: it may have stalled. Poll until
                        // it delivers again (a dead stream is replaced at the idle timeout).
                        logger.debug("lease \(lock.lockDescription) changed without a watch event; polling until the watch delivers")
                    }
                    emit(election.observe(record, at: clock.now()))
                case .failure(let error):
                    logger.warning("reading lease \(lock.lockDescription) failed: \(error)")
                    return
                }
            }
            let wallNow = wallClock()
            let write: LeaseRecord
            let creating: Bool
            switch election.decide(at: clock.now(), wallNow: wallNow) {
            case .fenced:
                emit(election.checkFence(at: clock.now()))
                return
            case .wait(let holder, _):
                logger.debug("lease \(lock.lockDescription) is held by \(holder ?? "nobody"); waiting")
                attemptOutcome = .waiting
                return
            case .create(let record): (write, creating) = (record, true)
            case .acquire(let record), .renew(let record): (write, creating) = (record, false)
            }
            if let writeGate, !(await writeGate()) {
                logger.warning("not writing lease \(lock.lockDescription): its holder's own work is not current")
                return
            }
            let sentAt = clock.now()
            let result = await withElectionDeadline(remaining(until: deadline), creating ? "create" : "update") {
                creating ? try await lock.create(write) : try await lock.update(write)
            }
            guard !Task.isCancelled, !resigned else { return }
            switch result {
            case .success(let written):
                let wasLeader = election.isLeader
                emit(election.writeSucceeded(written, sentAt: sentAt, at: clock.now(), wallNow: wallNow))
                if election.isLeader {
                    if !wasLeader { logger.info("acquired lease \(lock.lockDescription) as \(config.identity)") }
                    armFenceTimer()
                    attemptOutcome = .leading
                }
                return
            case .failure(let error as LeaseLockError):
                logger.info("\(error); re-reading")
                mustRead = true
            case .failure(let error):
                logger.warning("writing lease \(lock.lockDescription) failed: \(error)")
                return
            }
        }
    }

    private func remaining(until deadline: MonotonicInstant) -> Duration {
        max(.zero, deadline.duration(since: clock.now()))
    }

    // MARK: fencing

    /// (Re)starts the timer for the current fence deadline. It sleeps on its own task, so a
    /// hung request cannot delay it, and re-checks the monotonic clock after waking.
    private func armFenceTimer() {
        fenceTimer?.cancel()
        guard let deadline = election.fenceDeadline else {
            fenceTimer = nil
            return
        }
        let clock = self.clock
        fenceTimer = Task.detached { [weak self] in
            while case let left = deadline.duration(since: clock.now()), left > .zero {
                do { try await Task.sleep(for: left) } catch { return } // superseded by a renewal
            }
            await self?.fenceTimerFired(for: deadline)
        }
    }

    private func fenceTimerFired(for deadline: MonotonicInstant) {
        guard election.fenceDeadline == deadline else { return } // renewed meanwhile
        let events = election.checkFence(at: clock.now())
        if !events.isEmpty {
            logger.warning("fenced: no successful renewal of \(lock.lockDescription) within \(config.renewDeadline)")
        }
        emit(events)
    }

    func emit(_ events: [LeadershipEvent]) {
        for event in events {
            logger.debug("leadership event: \(event)")
            continuation.yield(event)
        }
    }
}
