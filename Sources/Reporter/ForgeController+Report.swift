import ForgeCore
import Foundation
import Logging

extension ForgeController {
    /// Ends every pass and event: works out what may be claimed, then updates metrics, probes
    /// and (when due) the report.
    func finishPass(_ now: MonotonicInstant, countsAsLoopPass: Bool) {
        updateForgingClaim()
        deps.metrics.setForging(forgingClaim)
        deps.metrics.setLeader(isLeader)
        let problem = currentProblem
        let ready = nodeUp && joined && problem == nil
        let canBoot = nodeUp || (credentials.state == .present && bootProblem == nil)
        deps.health.update { health in
            if countsAsLoopPass { health.lastPassAt = now }
            health.nodeCanBoot = canBoot
            health.ready = ready
            health.notReadyReason = problem ?? (nodeUp ? "not in the election yet" : "node socket not up")
        }
        if let report = schedule.next(buildReport(), now: now) {
            deps.publisher.submit(report)
        }
    }

    /// Forging is claimed only with evidence: our keys are installed, the node that is running
    /// got the SIGHUP after they were, and — when a node log is configured — it logged
    /// "Enabling block forging" since.
    private func updateForgingClaim() {
        var claim = keysForForging && credentials.state == .present && reloadPending == nil
        if let last = lastReload {
            claim = claim && last.expectEnabled && location.pid == last.pid
        } else {
            claim = false
        }
        var confirmedBy = ForgeReport.Confirmation.none
        if claim, deps.node.canConfirm, let last = lastReload {
            claim = deps.node.loggedForging(after: last.mark) == true
            confirmedBy = .sighupLog
        }
        if claim != forgingClaim {
            forgingSince = deps.wallClock()
            logger.notice(claim ? "forging confirmed" : "not forging", metadata: ["confirmedBy": "\(confirmedBy.rawValue)"])
        }
        forgingClaim = claim
        forgingConfirmedBy = claim ? confirmedBy : .none
    }

    /// The problem that makes this pod unready, if any (also the report's `error` phase).
    var currentProblem: String? {
        if reloadPending != nil { return lastError ?? "cardano-node cannot be signalled" }
        return credentialProblem ?? bootProblem
    }

    var phase: ForgeReport.Phase {
        if stopping { return .stopping }
        if currentProblem != nil { return .error }
        if forgingClaim { return .forging }
        if isLeader { return .leader }
        if fencedReason != nil { return .fenced }
        if !nodeUp || !joined { return .starting }
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
                acquiredAt: isLeader ? acquiredAt.map(stamp) : nil),
            forging: .init(
                enabled: forgingClaim, confirmedBy: forgingConfirmedBy, since: forgingSince.map(stamp)),
            socket: .init(path: config.nodeSocket, healthy: socketHealthy, checkedAt: socketCheckedAt.map(stamp)),
            process: .init(
                pid: location.pid, found: location.pid != nil,
                nonProducingFlag: { if case .found(_, let flag) = location { return flag } else { return nil } }()),
            credentials: .init(
                state: credentials.state, sha256: credentials.opCertSHA256,
                lastChange: credentialsChangedAt.map(stamp)),
            phase: phase,
            lastError: lastError)
    }
}
