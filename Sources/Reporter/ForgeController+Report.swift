import ForgeCore
import FoundationEssentials
import Logging

extension ForgeController {
    /// Ends every pass and event: works out what may be claimed, then updates metrics, probes
    /// and (when due) the report.
    func finishPass(_ now: MonotonicInstant, countsAsLoopPass: Bool) {
        credentials = deps.node.credentialSnapshot()
        updateForgingClaim()
        if machine.isLeader != wasLeader {
            if machine.isLeader {
                deps.events?.leaseAcquired(lease: config.leaseName)
            } else {
                let why = machine.fencedAt != nil ? "fenced (not renewed in time)"
                    : machine.stopping ? "stopping" : "taken over, released or not renewed"
                deps.events?.leaseLost(lease: config.leaseName, why: why)
            }
            deps.metrics.leadershipChanged()
            if !machine.isLeader && holder != nil && holder != config.podName || wasFenced { deps.metrics.renewFailed() }
            wasLeader = machine.isLeader
        }
        if machine.fencedAt != nil && !wasFenced {
            wasFenced = true
            deps.events?.fenced(lease: config.leaseName)
            logger.error("fenced: the Lease was not renewed before the fence deadline")
        } else if machine.isLeader {
            wasFenced = false
        }
        deps.metrics.setForging(forgingClaim)
        deps.metrics.setLeader(machine.isLeader)
        deps.metrics.setGuardAlive(machine.observation.guardAlive)
        let problem = currentProblem
        reportCredentialProblemOnce()
        let ready = machine.nodeUp && machine.joined && problem == nil
        let canBoot = machine.nodeUp || (credentials.state == .present && machine.bootProblem == nil)
        deps.health.update { health in
            if countsAsLoopPass { health.lastPassAt = now }
            health.nodeCanBoot = canBoot
            health.ready = ready
            health.notReadyReason = problem ?? (machine.nodeUp ? "not in the election yet" : "node socket not up")
        }
        if let report = schedule.next(buildReport(), now: now) {
            deps.publisher.submit(report)
        }
    }

    /// Forging is claimed only with evidence: the machine delivered an enable to the node the
    /// keys were installed for, that node is the one running, and — when a node log is
    /// configured — it logged "Enabling block forging" since.
    private func updateForgingClaim() {
        var claim = false
        var confirmedBy = ForgeReport.Confirmation.none
        if machine.enableDelivered, case .forging(let node) = machine.state, let enable = lastEnable,
           enable.process == node, machine.currentNode == node {
            claim = true
            // A log to confirm with (not merely metrics, which confirm only the stop's disable).
            if deps.node.hasNodeLog {
                claim = deps.node.loggedForging(after: enable.mark) == true
                confirmedBy = .sighupLog
            } else if deps.credentials?.leadershipChecksAdvanced(since: enable.at) == true {
                // No node log: the node's own leadership-check counter advancing since the
                // enable is the evidence (it checks leadership only with credentials).
                confirmedBy = .metric
            }
        }
        if claim != forgingClaim {
            forgingSince = deps.wallClock()
            if claim {
                deps.events?.forgingEnabled(confirmedBy: confirmedBy.rawValue)
            } else {
                deps.events?.forgingDisabled(why: machine.stopping ? "stopping" : machine.fencedAt != nil ? "fenced"
                    : machine.isLeader ? "no longer allowed (cluster, node, guard or credentials)" : "no longer leader")
            }
            logger.notice(claim ? "forging confirmed" : "not forging", metadata: ["confirmedBy": "\(confirmedBy.rawValue)"])
        }
        forgingClaim = claim
        forgingConfirmedBy = claim ? confirmedBy : .none
    }

    /// One event per distinct credential problem (the recorder also folds repeats).
    private func reportCredentialProblemOnce() {
        let problem = credentialProblem
        if let problem, problem != lastCredentialEvent { deps.events?.credentialProblem(problem) }
        lastCredentialEvent = problem
    }

    /// Why the credentials definitely cannot forge (the inspector's verdict), or nil.
    private var credentialProblem: String? {
        guard let inspection = deps.credentials?.inspection, inspection.verdict == .cannotForge else { return nil }
        return "credentials cannot forge (\(inspection.reason ?? "?")): \(inspection.message ?? "")"
    }

    /// The problem that makes this pod unready, if any (also the report's `error` phase).
    var currentProblem: String? {
        if case .disabling(let disable) = machine.state, let failure = disable.lastFailure { return failure }
        if let problem = machine.problem { return problem }
        if machine.isLeader, case .unknown(let why) = sighting {
            return "cannot identify cardano-node: \(why)"
        }
        if !machine.observation.guardAlive {
            return "the guard's heartbeat is stale: no keys and no campaigning without a live guard"
        }
        // This pod stays out of the election (the machine's credentialsUsable): say why.
        if let problem = credentialProblem { return problem }
        return machine.bootProblem ?? socketWaitProblem
    }

    var phase: ForgeReport.Phase {
        if machine.stopping { return .stopping }
        if currentProblem != nil { return .error }
        if forgingClaim { return .forging }
        if machine.isLeader { return .leader }
        if machine.fencedAt != nil { return .fenced }
        if !machine.nodeUp || !machine.joined { return .starting }
        return .standby
    }

    func buildReport() -> ForgeReport {
        let stamp = ForgeReport.timestamp
        return ForgeReport(
            pod: config.podName,
            nodeName: config.nodeName,
            network: config.network,
            poolId: config.poolId,
            region: config.clusterRegion,
            reportedAt: stamp(deps.wallClock()),
            leadership: .init(
                holder: holder, leaseName: config.leaseName, transitions: transitions,
                acquiredAt: machine.isLeader ? acquiredAt.map(stamp) : nil),
            forging: .init(
                enabled: forgingClaim, confirmedBy: forgingConfirmedBy, since: forgingSince.map(stamp)),
            socket: .init(path: config.nodeSocket, healthy: socketHealthy, checkedAt: socketCheckedAt.map(stamp)),
            process: .init(
                pid: sighting.process?.pid, found: sighting.process != nil,
                nonProducingFlag: { if case .running(_, let flag) = sighting { return flag } else { return nil } }()),
            credentials: .init(
                state: credentials.state, sha256: credentials.opCertSHA256,
                lastChange: credentialsChangedAt.map(stamp), source: deps.credentials?.inspection),
            phase: phase,
            lastError: currentProblem ?? lastError)
    }
}
