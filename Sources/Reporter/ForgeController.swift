import ForgeCore
import FoundationEssentials
import Logging

/// The reporter's control loop (ARCHITECTURE.md §4) around `PodForgeMachine`, which holds every
/// decision: this actor only gathers observations (socket, process table, key files, cluster
/// permission, guard heartbeat), feeds leadership changes in, carries out the machine's actions
/// one at a time and records their outcomes, and reports what happened.
///
/// An actor: leadership updates, permission changes and timer passes are serialised. An action
/// and the recording of its outcome never straddle a suspension, and only one drive loop runs
/// at a time (events that arrive meanwhile are picked up by the running loop).
actor ForgeController {
    struct Dependencies: Sendable {
        var node: NodeSide
        var leadership: LeadershipSource
        var permission: ClusterPermissionSource
        var publisher: ReportPublisher
        var metrics: ReporterMetrics
        var health: HealthState
        var clock: MonotonicClock
        var wallClock: @Sendable () -> Date = { Date() }
        var logger: Logger
        /// How long to wait for the node to confirm "Disabling block forging" on a graceful stop.
        var confirmTimeout: Duration = .seconds(3)
        /// Poll interval while the node boots, a disable is owed or a confirmation is awaited.
        var fastPoll: Duration = .milliseconds(200)
        /// A graceful stop gives up waiting for an undeliverable disable after this long (real
        /// time: the kubelet's grace period is real time) and leaves without releasing.
        var stopBound: Duration = .seconds(10)
        /// Poll interval while no node process exists: a node that finds no keys exits within
        /// milliseconds, and its command line must be seen to provision the next start.
        var bootPoll: Duration = .milliseconds(50)
        /// The Secret's source credentials and the node's metrics (`CredentialInspector`); nil:
        /// not inspected (every credential counts as usable, as before).
        var credentials: CredentialInspectionSource? = nil
        /// Kubernetes Events on this pod (nil: none, as in the unit tests).
        var events: PodEventSink? = nil
    }

    let config: ReporterConfig
    let deps: Dependencies
    var logger: Logger { deps.logger }
    var machine: PodForgeMachine

    // Gathered for the report (the machine does not need them).
    var socketHealthy = false
    var socketCheckedAt: Date?
    var sighting: NodeSighting = .notRunning
    var credentials = CredentialSnapshot.absent
    var credentialsChangedAt: Date?
    var permission = ClusterPermission.denied("not evaluated yet")
    var holder: String?
    var transitions = 0
    var acquiredAt: Date?
    var lastError: String?
    var waitingForSocketSince: MonotonicInstant?
    var socketWaitProblem: String?
    /// The enable delivered while forging, and where the node log stood then.
    var lastEnable: (process: NodeProcessID, mark: Int, at: MonotonicInstant)?
    /// The last disable delivered, and where the node log stood then (for the stop's confirmation).
    var lastDisable: (process: NodeProcessID, mark: Int)?
    var forgingClaim = false
    var forgingConfirmedBy: ForgeReport.Confirmation = .none
    var forgingSince: Date?
    var wasLeader = false
    var wasFenced = false
    var lastCredentialEvent: String?
    var driving = false
    /// Counts memberships: a delivery from one we have left is ignored.
    var electionGeneration = 0
    var redrive = false
    var schedule: ReportSchedule

    init(config: ReporterConfig, dependencies: Dependencies) {
        self.config = config
        self.deps = dependencies
        self.schedule = ReportSchedule(heartbeat: config.reportHeartbeat)
        // What a predecessor left in the fence file decides where we start: a "forging" record
        // means keys may be installed and a node forging, so the first actions disable it.
        let previous = dependencies.node.previousFence()
        machine = PodForgeMachine(
            settings: .init(margin: config.fenceMargin), previousFence: previous, now: dependencies.clock.now())
        if case .disabling(let disable) = machine.state {
            dependencies.logger.warning("the previous reporter left a forging fence record: disabling first",
                                        metadata: ["reason": "\(disable.reason)"])
        }
    }

    var stopping: Bool { machine.stopping }

    /// The wait for the node's socket starts now.
    func start() {
        waitingForSocketSince = deps.clock.now()
    }

    /// Runs passes until cancelled or stopped.
    func run() async {
        start()
        while !Task.isCancelled && !machine.stopping {
            await reconcile()
            try? await Task.sleep(for: nextWake())
        }
    }

    /// How long the loop may sleep: quick polls while something is imminent or owed, otherwise
    /// SLEEP_INTERVAL, and never past our own fence deadline.
    func nextWake() -> Duration {
        var wait = config.sleepInterval
        let awaitingConfirmation = machine.enableDelivered && !forgingClaim
        if !machine.nodeUp || awaitingConfirmation || machine.exposed && !machine.enableDelivered {
            wait = min(wait, deps.fastPoll)
        }
        if !machine.nodeUp, sighting == .notRunning, credentials.state != .present {
            wait = min(wait, deps.bootPoll)
        }
        if let deadline = machine.leaseDeadline {
            wait = min(wait, max(deadline.duration(since: deps.clock.now()), .milliseconds(10)))
        }
        return wait
    }

    // MARK: - Events

    /// A leadership change. `generation` is the membership it comes from (nil: trusted, tests);
    /// a stale `.renewed` from an elector we have left must not make us leader again.
    func handle(_ update: LeadershipUpdate, generation: Int? = nil) async {
        guard !machine.stopping else { return }
        if let generation, generation != electionGeneration { return }
        switch update {
        case .acquired(let deadline, let count, let at):
            transitions = count
            acquiredAt = at ?? deps.wallClock()
            holder = config.podName
            machine.leadership(leading: deadline)
            logger.notice("acquired the Lease", metadata: ["lease": "\(config.leaseName)", "transitions": "\(count)"])
        case .renewed(let deadline):
            holder = config.podName
            if acquiredAt == nil { acquiredAt = deps.wallClock() }
            machine.leadership(leading: deadline)
        case .observed(let observedHolder, let count):
            // The report names pods: "<pod>_<uid>" identities are shown by their pod name.
            holder = observedHolder.map(ElectionIdentity.podName(of:))
            if let holder, holder != config.podName { machine.anotherLeads() }
            if let count { transitions = count }
        case .lost(let reason):
            if machine.isLeader { logger.warning("lost the Lease", metadata: ["reason": "\(reason)"]) }
            dropLeadership()
        case .fenced(let reason):
            if machine.isLeader { logger.error("fenced: removing keys", metadata: ["reason": "\(reason)"]) }
            machine.fenced(now: deps.clock.now())
            acquiredAt = nil
            if holder == config.podName { holder = nil }
        case .released:
            dropLeadership()
        }
        await drive(countsAsLoopPass: false)
    }

    /// The cluster permission may have changed: act on it now rather than at the next tick.
    func permissionChanged() async {
        guard !machine.stopping else { return }
        await drive(countsAsLoopPass: false)
    }

    private func dropLeadership() {
        machine.leadership(leading: nil)
        acquiredAt = nil
        if holder == config.podName { holder = nil }
    }
}
