import ForgeCore
import Logging

/// What one guard evaluation decided and did.
public struct GuardTickOutcome: Sendable, Equatable {
    /// Whether the fence was considered expired (keys must be gone).
    public var enforcing: Bool
    public var reason: String
    /// Key files this tick unlinked.
    public var removed: [CredentialKind] = []
    /// The node process this tick sent SIGHUP to.
    public var signalled: ProcessIdentity?
    /// A removal or signalling failure (retried on the next tick).
    public var error: String?

    public init(enforcing: Bool, reason: String) {
        self.enforcing = enforcing
        self.reason = reason
    }
}

/// `forge-reporter guard`: enforces the reporter's fence deadline if the reporter hangs or dies.
///
/// Every `interval` the guard reads the fence file and decides:
///
/// | fence file                                   | verdict                                     |
/// | -------------------------------------------- | ------------------------------------------- |
/// | absent, and no valid record seen yet         | idle (pod booting: keys exist so the node can start, the reporter has not written yet) |
/// | record without deadline ("not forging")      | idle                                        |
/// | record with deadline, now < deadline         | idle (reporter healthy)                     |
/// | record with deadline, now >= deadline        | enforce                                     |
/// | absent after a valid record was seen         | enforce: the reporter writes atomically and never deletes the file, so it vanished through outside interference and nobody vouches for a deadline (fail closed) |
/// | corrupt or unreadable                        | enforce, for the same reason                |
///
/// Enforcing means: if any key file exists, unlink all of them and SIGHUP the node (found with
/// the locator, identity re-checked by the signaller); keep doing so each tick while keys
/// reappear. On entering enforcement after a record that carried a deadline, one SIGHUP is sent
/// even if the keys are already gone: a reporter that died between unlinking and signalling
/// leaves a node that still forges, because removal without SIGHUP changes nothing. A failed
/// SIGHUP is retried every tick until one is delivered or the verdict returns to idle (the
/// reporter is back and responsible again). "now" is CLOCK_BOOTTIME, the clock the deadline
/// was computed on.
public final class GuardLoop: Sendable {
    private struct State {
        var lastValid: FenceRecord?
        var enforcing = false
        var signalPending = false
        var lastLoggedError: String?
        var lastBeat: MonotonicInstant?
    }

    public let fenceFile: FenceFile
    public let credentials: CredentialManager
    public let locator: NodeProcessLocator
    public let signaller: NodeSignaller
    public let clock: MonotonicClock
    public let interval: Duration
    /// Where the guard shows it is alive (nil: it does not).
    public let heartbeat: GuardHeartbeat?
    /// How often the heartbeat is written: well inside the staleness the reporter applies.
    public let heartbeatInterval: Duration
    private let logger: Logger
    private let state = Locked(State())

    public init(fenceFile: FenceFile, credentials: CredentialManager, locator: NodeProcessLocator,
                signaller: NodeSignaller = KillSignaller(), clock: MonotonicClock = SystemMonotonicClock(),
                interval: Duration = .milliseconds(100), heartbeat: GuardHeartbeat? = nil,
                heartbeatInterval: Duration = .seconds(1), logger: Logger = Logger(label: "forge-guard")) {
        self.fenceFile = fenceFile
        self.credentials = credentials
        self.locator = locator
        self.signaller = signaller
        self.clock = clock
        self.interval = interval
        self.heartbeat = heartbeat
        self.heartbeatInterval = heartbeatInterval
        self.logger = logger
    }

    /// Runs `tick()` every `interval` until the task is cancelled.
    public func run() async {
        logger.info("guard started", metadata: ["fenceFile": "\(fenceFile.path)", "interval": "\(interval)"])
        while !Task.isCancelled {
            _ = tick()
            try? await Task.sleep(for: interval)
        }
    }

    /// One evaluation. Serialised by the state lock (ticks never overlap).
    public func tick() -> GuardTickOutcome {
        state.withLock { state in
            beat(&state)
            var outcome = evaluate(&state)
            if outcome.enforcing {
                enforce(&state, &outcome)
            } else {
                state.enforcing = false
                state.signalPending = false
                state.lastLoggedError = nil
            }
            return outcome
        }
    }

    /// One heartbeat write per `heartbeatInterval`; a failed write only makes the guard look dead,
    /// which stops new installs (fail safe).
    private func beat(_ state: inout State) {
        guard let heartbeat else { return }
        let now = clock.now()
        if let last = state.lastBeat, now.duration(since: last) < heartbeatInterval { return }
        do {
            try heartbeat.beat(at: now)
            state.lastBeat = now
        } catch {
            logger.error("cannot write the guard heartbeat", metadata: ["path": "\(heartbeat.path)", "error": "\(error)"])
        }
    }

    private func evaluate(_ state: inout State) -> GuardTickOutcome {
        let read = fenceFile.read()
        let now = clock.now()
        switch read {
        case .record(let record):
            state.lastValid = record
            guard let deadline = record.deadline else {
                return GuardTickOutcome(enforcing: false, reason: "\(record.holder) is not forging")
            }
            if now < deadline {
                return GuardTickOutcome(enforcing: false, reason: "deadline in \(deadline.duration(since: now))")
            }
            return GuardTickOutcome(enforcing: true,
                                    reason: "fence deadline of \(record.holder) passed \(now.duration(since: deadline)) ago")
        case .absent:
            if state.lastValid == nil { return GuardTickOutcome(enforcing: false, reason: "no fence record yet") }
            return GuardTickOutcome(enforcing: true, reason: "fence file \(fenceFile.path) disappeared")
        case .corrupt(let reason):
            return GuardTickOutcome(enforcing: true, reason: "fence file unusable: \(reason)")
        }
    }

    /// The process the keys were installed for, by identity, while it lives (a decoy with the
    /// same name and socket cannot make it ambiguous); otherwise whichever node runs now.
    private func nodeToSignal(_ record: FenceRecord?) throws -> ProcessIdentity {
        if let node = record?.node, let entry = locator.table.process(pid: node.pid),
           entry.startTime == node.startTime, entry.isAlive {
            return entry.identity
        }
        return try locator.locate().identity
    }

    private func enforce(_ state: inout State, _ outcome: inout GuardTickOutcome) {
        let episodeStart = !state.enforcing
        state.enforcing = true
        // "Cannot tell" counts as present: unlinking absent files is harmless.
        let keysPresent = (try? credentials.anyTargetPresent()) ?? true
        if keysPresent {
            do {
                let change = try credentials.remove()
                outcome.removed = change.operations.filter { $0.operation == .remove }.map(\.file)
            } catch let error as CredentialError {
                if case .targetFailed(_, _, _, let completed) = error {
                    outcome.removed = completed.operations.filter { $0.operation == .remove }.map(\.file)
                }
                outcome.error = "\(error)"
            } catch {
                outcome.error = "\(error)"
            }
        }
        let mayHaveForged = episodeStart && state.lastValid?.deadline != nil
        if !outcome.removed.isEmpty || state.signalPending || mayHaveForged {
            do {
                let node = try nodeToSignal(state.lastValid)
                try signaller.sendHangUp(to: node)
                outcome.signalled = node
                state.signalPending = false
            } catch {
                state.signalPending = true
                outcome.error = [outcome.error, "SIGHUP failed: \(error)"].compactMap { $0 }.joined(separator: "; ")
            }
        }
        if !outcome.removed.isEmpty || outcome.signalled != nil {
            logger.warning("fence enforced", metadata: [
                "reason": "\(outcome.reason)",
                "removed": "\(outcome.removed.map(\.rawValue))",
                "signalled": "\(outcome.signalled.map { "\($0)" } ?? "none")",
            ])
        }
        if let error = outcome.error, error != state.lastLoggedError {
            logger.error("fence enforcement incomplete, retrying", metadata: ["reason": "\(outcome.reason)", "error": "\(error)"])
        }
        state.lastLoggedError = outcome.error
    }
}
