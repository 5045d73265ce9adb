import ForgeCore
import Foundation
import Logging

/// The reporter's decision loop (ARCHITECTURE.md §4): boots the node safely, joins the
/// election once the node is up, installs the keys exactly while
/// `holdsLease ∧ clusterAllowed ∧ nodeUp` (and the fence deadline is far enough away), removes
/// them the moment any of that stops holding, and reports what it did.
///
/// An actor: leadership updates, permission changes and timer passes are serialised. A pass
/// gathers its observations first (the socket probe is the only suspension point), then
/// decides and acts without suspending, so an update can never interleave with a half-done
/// change of the keys.
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
        /// How long to wait for the node to log "Disabling block forging" before releasing.
        var confirmTimeout: Duration = .seconds(3)
        /// Without a node log to confirm, how long to give the node to act on SIGHUP before
        /// releasing the Lease (it handles the signal within milliseconds).
        var unconfirmedSettle: Duration = .seconds(1)
        /// Poll interval while the node boots or a log confirmation is awaited.
        var fastPoll: Duration = .milliseconds(200)
        /// Poll interval while no node process exists: a node that finds no keys exits within
        /// milliseconds, and its command line must be seen to provision the next start.
        var bootPoll: Duration = .milliseconds(50)
    }

    let config: ReporterConfig
    let deps: Dependencies
    var logger: Logger { deps.logger }

    // The node
    var nodeUp = false
    var upPid: Int32?
    var socketFailures = 0
    var socketHealthy = false
    var socketCheckedAt: Date?
    var location: NodeLocation = .notRunning
    var waitingForSocketSince: MonotonicInstant?
    var bootProblem: String?

    // The election
    var joined = false
    var isLeader = false
    var fenceDeadline: MonotonicInstant?
    var holder: String?
    var transitions = 0
    var acquiredAt: Date?
    var fencedReason: String?

    // Keys and the node's forging state
    var credentials = CredentialSnapshot.absent
    /// The keys are installed because this pod forges (as opposed to provisioned for boot).
    var keysForForging = false
    /// A SIGHUP owed to the node (the last change could not be signalled yet).
    var reloadPending: (expectEnabled: Bool, reason: String)?
    var lastReload: (pid: Int32, expectEnabled: Bool, mark: Int)?
    var credentialProblem: String?
    var lastFence: FenceIntent?
    var forgingClaim = false
    var forgingConfirmedBy: ForgeReport.Confirmation = .none
    var forgingSince: Date?
    var credentialsChangedAt: Date?

    var permission = ClusterPermission.denied("not evaluated yet")
    var lastError: String?
    var stopping = false
    var schedule: ReportSchedule

    init(config: ReporterConfig, dependencies: Dependencies) {
        self.config = config
        self.deps = dependencies
        self.schedule = ReportSchedule(heartbeat: config.reportHeartbeat)
    }

    /// First thing after start: whatever a previous incarnation left in the fence file is void
    /// (otherwise the guard could take away keys we provision for boot).
    func start() {
        writeFence(.notForging)
        waitingForSocketSince = deps.clock.now()
    }

    /// Runs passes until cancelled or stopping.
    func run() async {
        start()
        while !Task.isCancelled && !stopping {
            await reconcile()
            try? await Task.sleep(for: nextWake())
        }
    }

    /// How long the loop may sleep: quick polls while something is imminent, otherwise
    /// SLEEP_INTERVAL, and never past our own fence deadline.
    func nextWake() -> Duration {
        var wait = config.sleepInterval
        let awaitingConfirmation = keysForForging && !forgingClaim && reloadPending == nil
        if !nodeUp || awaitingConfirmation {
            wait = min(wait, deps.fastPoll)
        }
        if !nodeUp && location == .notRunning && credentials.state != .present {
            wait = min(wait, deps.bootPoll)
        }
        if isLeader, let deadline = fenceDeadline {
            let untilFence = deadline.duration(since: deps.clock.now())
            wait = min(wait, max(untilFence, .milliseconds(10)))
        }
        return wait
    }

    // MARK: - Events

    func handle(_ update: LeadershipUpdate) {
        guard !stopping else { return }
        switch update {
        case .acquired(let deadline, let count, let at):
            if !isLeader { deps.metrics.leadershipChanged() }
            isLeader = true
            fenceDeadline = deadline
            transitions = count
            acquiredAt = at ?? deps.wallClock()
            holder = config.podName
            fencedReason = nil
            logger.notice("acquired the Lease", metadata: ["lease": "\(config.leaseName)", "transitions": "\(count)"])
        case .renewed(let deadline):
            if !isLeader {
                // The elector is the authority on holding; our own fence check only ran ahead.
                deps.metrics.leadershipChanged()
                isLeader = true
                holder = config.podName
                acquiredAt = acquiredAt ?? deps.wallClock()
            }
            fenceDeadline = deadline
            if keysForForging { writeFence(.forging(until: deadline)) }
        case .observed(let observedHolder, let count):
            holder = observedHolder
            if let count { transitions = count }
        case .lost(let reason):
            if isLeader {
                deps.metrics.leadershipChanged()
                deps.metrics.renewFailed()
                logger.warning("lost the Lease", metadata: ["reason": "\(reason)"])
            }
            dropLeadership()
        case .fenced(let reason):
            fence(reason)
        case .released:
            if isLeader { deps.metrics.leadershipChanged() }
            dropLeadership()
        }
        decideAndAct()
    }

    /// The cluster permission may have changed: act on it now rather than at the next tick.
    func permissionChanged() {
        guard !stopping else { return }
        decideAndAct()
    }

    func dropLeadership() {
        isLeader = false
        fenceDeadline = nil
        acquiredAt = nil
        if holder == config.podName { holder = nil }
    }

    /// The Lease was not renewed within renewDeadline: from now on others may soon acquire,
    /// so the keys go now (`applyDesiredState` removes them because we no longer lead).
    func fence(_ reason: String) {
        let wasLeader = isLeader
        dropLeadership()
        guard wasLeader else { return }
        fencedReason = reason
        deps.metrics.leadershipChanged()
        deps.metrics.renewFailed()
        deps.metrics.fenced()
        logger.error("fenced: removing keys", metadata: ["reason": "\(reason)"])
    }

    /// Decide and act on the latest observations, without new probes (used after events).
    func decideAndAct() {
        let now = deps.clock.now()
        permission = deps.permission.permission(at: now)
        credentials = deps.node.credentialSnapshot()
        enforceOwnFenceCheck(now)
        applyDesiredState(now)
        retryPendingReload()
        finishPass(now, countsAsLoopPass: false)
    }

    func enforceOwnFenceCheck(_ now: MonotonicInstant) {
        if isLeader, let deadline = fenceDeadline, now >= deadline {
            fence("fence deadline passed without a successful renew")
        }
    }
}
