/// The forge state of one block-producer pod, free of I/O and of the wall clock.
///
/// The reporter feeds it observations (`observe`), leadership changes (`leadership`) and a stop
/// request; it asks for one action at a time (`nextAction`), performs it, and reports the
/// outcome (`record`). Every safety rule of the pod lives here:
///
/// - The fence record says "forging until D" before any forging key is installed, with D more
///   than `margin` ahead; it says "not forging" only when nothing is owed: no forging keys, and
///   the node that had them was told (a SIGHUP delivered to exactly that process) or is dead.
/// - A disable that cannot be delivered within `disableBound` escalates to SIGTERM, then SIGKILL.
/// - Forging is claimed only after an enable was delivered to the process the keys were
///   installed for; the Lease is released only when nothing is owed, and on a graceful stop
///   only when the node confirmed the disable (else it is abandoned and expires after the fence).
/// - A restarted reporter that finds a "forging" record from its predecessor disables first.
public struct PodForgeMachine: Sendable {
    public struct Settings: Equatable, Sendable {
        /// Keys are not installed when the fence deadline is this close.
        public var margin: Duration
        /// How long a disable may stay undelivered before the node is stopped (SIGTERM), and
        /// again before SIGKILL.
        public var disableBound: Duration
        /// On a graceful stop, how long an undeliverable disable may hold up leaving the
        /// election (which then happens without releasing the Lease).
        public var stopBound: Duration

        public init(margin: Duration, disableBound: Duration = .seconds(2), stopBound: Duration = .seconds(6)) {
            self.margin = margin
            self.disableBound = disableBound
            self.stopBound = stopBound
        }
    }

    public enum State: Equatable, Sendable {
        /// The node is not up (not started, replaying, restarting); boot keys may be provisioned.
        case booting
        /// The node is up, no forging keys, nothing owed.
        case standby
        /// Fence record and keys are being put in place for `node`, then the enable delivered.
        case installing(NodeProcessID)
        /// The enable was delivered to `node`.
        case forging(NodeProcessID)
        /// Keys must go and the node must be told; the fence deadline stays meanwhile.
        case disabling(Disable)
        case stopped
    }

    public struct Disable: Equatable, Sendable {
        /// Who must be told; nil: a predecessor's node we cannot name (whichever runs for our socket).
        public var target: NodeProcessID?
        public var since: MonotonicInstant
        public var reason: String
        /// The signal to send next: SIGHUP, then SIGTERM and SIGKILL once `disableBound` passed.
        public var signal: NodeSignal = .hangUp
        public var escalatedAt: MonotonicInstant?
        /// A SIGTERM/SIGKILL was delivered: waiting for the process to be gone.
        public var stopSent = false
        public var lastFailure: String?
        /// The node may be forging although our record says "not forging" (a producing start,
        /// or keys on a node we cannot identify): the record is made to say so first.
        public var mayBeForging = false
        var recordTried = false
    }

    public let settings: Settings
    public internal(set) var state: State
    /// The fence record as last written by us (nil: not yet; the predecessor's stands).
    public internal(set) var fence: FenceIntent?
    public internal(set) var observation = PodObservation()
    public internal(set) var isLeader = false
    public internal(set) var leaseDeadline: MonotonicInstant?
    public internal(set) var joined = false
    public internal(set) var stopping = false
    public internal(set) var nodeUp = false
    /// The process seen when the socket came up.
    public internal(set) var upProcess: NodeProcessID?
    /// The keys on disk were installed for forging (not provisioned for boot).
    public internal(set) var keysForForging = false
    /// Why the node cannot boot (started producing), or nil.
    public internal(set) var bootProblem: String?
    /// The last failed action, for the report; cleared when that kind of action succeeds.
    public internal(set) var problem: String?
    /// When leadership ended by a fence (the elector's or our own deadline check).
    public internal(set) var fencedAt: MonotonicInstant?
    var socketFailures = 0
    var producingSighting: NodeProcessID?
    /// Graceful stop: the process a disable was delivered to while stopping, and the verdict.
    var awaitingConfirmation: NodeProcessID?
    var confirmation: Bool?

    public init(settings: Settings, previousFence: PreviousFence, now: MonotonicInstant) {
        self.settings = settings
        switch previousFence {
        case .none, .notForging:
            state = .booting
        case .forging(let node):
            state = .disabling(Disable(target: node, since: now, reason: "previous reporter left a forging fence record"))
        case .unusable(let why):
            state = .disabling(Disable(target: nil, since: now, reason: "previous fence record unusable (\(why))"))
        }
    }

    // MARK: inputs

    /// The latest look at the pod. Tracks the node coming up, restarting and going down.
    public mutating func observe(_ new: PodObservation, now: MonotonicInstant) {
        observation = new
        if new.socketUp {
            socketFailures = 0
            if !nodeUp {
                nodeUp = true
                upProcess = new.node.process
                bootProblem = nil
            } else if let process = new.node.process {
                upProcess = process    // a restart behind a socket that never looked down
            }
        } else {
            socketFailures += 1
            if nodeUp {
                // One failed probe may be load; a vanished or replaced process, or a second
                // failure in a row, is a restart.
                let restarted = new.node == .notRunning || (new.node.process.map { $0 != upProcess } ?? false)
                if restarted || socketFailures >= 2 { nodeUp = false }
            }
        }
    }

    /// A look without a new socket probe (after an event): everything but the socket is updated.
    public mutating func refresh(_ new: PodObservation) {
        var new = new
        new.socketUp = observation.socketUp
        observation = new
    }

    /// The elector's view: leading until `fenceDeadline`, or not leading.
    public mutating func leadership(leading fenceDeadline: MonotonicInstant?) {
        if let fenceDeadline {
            isLeader = true
            leaseDeadline = fenceDeadline
            fencedAt = nil
        } else {
            isLeader = false
            leaseDeadline = nil
        }
    }

    /// The elector reports that renewDeadline passed without a successful renew.
    public mutating func fenced(now: MonotonicInstant) {
        if isLeader { fencedAt = now }
        leadership(leading: nil)
    }

    /// Another pod leads now: a past fence is history, no longer this pod's phase (once nothing
    /// is owed).
    public mutating func anotherLeads() {
        if !exposed && !isLeader { fencedAt = nil }
    }

    /// A graceful stop: from now on the machine only disables, confirms and releases.
    public mutating func requestStop() {
        guard !stopping else { return }
        stopping = true
    }

    // MARK: what the pod shows

    /// The process that may hold forging keys in memory or pick them up on any SIGHUP.
    public var exposedProcess: NodeProcessID? {
        switch state {
        case .installing(let node), .forging(let node): return node
        case .disabling(let disable): return disable.target
        default: return nil
        }
    }

    /// A disable is owed (or forging is under way): the fence deadline must stay in the record.
    public var exposed: Bool {
        switch state {
        case .installing, .forging, .disabling: return true
        default: return false
        }
    }

    /// An enable reached the node the keys are installed for.
    public var enableDelivered: Bool {
        if case .forging = state { return observation.keys == .present && keysForForging }
        return false
    }

    /// holdsLease ∧ clusterAllowed ∧ nodeUp, plus a live guard, usable credentials, a known node
    /// process and a fence deadline far enough away (any time left once installed).
    public func shouldForge(now: MonotonicInstant) -> Bool {
        guard !stopping, isLeader, let deadline = leaseDeadline, observation.clusterAllowed, nodeUp,
              observation.guardAlive, observation.credentialsUsable else { return false }
        let remaining = deadline.duration(since: now)
        if case .forging = state {
            // Already enabled through a handle on exactly that process: an ambiguous table
            // (a decoy naming our socket) does not matter while it lives.
            return remaining > .zero && observation.exposedProcessAlive != false
        }
        // Keys go only to a process the table names unambiguously.
        return remaining > settings.margin && observation.node.process != nil
    }

    /// The node process for our socket, as last seen (or the one the socket came up with when
    /// the table cannot tell).
    public var currentNode: NodeProcessID? {
        switch observation.node {
        case .running(let process, _): return process
        case .notRunning: return nil
        case .unknown: return nodeUp ? upProcess : nil
        }
    }
}
