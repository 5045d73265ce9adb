import ForgeCore
import Foundation
import Logging

extension ForgeController {
    /// One full pass: probe the node, track boot/restart, then decide and act.
    func reconcile() async {
        guard !stopping else { return }
        let socketOK = config.disableSocketCheck ? true : await deps.node.socketAcceptsConnections()
        // No suspension from here to the end of the synchronous part.
        guard !stopping else { return }
        let now = deps.clock.now()
        socketHealthy = socketOK
        socketCheckedAt = deps.wallClock()
        location = deps.node.locateNode()
        credentials = deps.node.credentialSnapshot()
        permission = deps.permission.permission(at: now)
        enforceOwnFenceCheck(now)
        if socketOK {
            nodeIsUp()
        } else {
            nodeIsNotUp(now)
        }
        applyDesiredState(now)
        retryPendingReload()
        finishPass(now, countsAsLoopPass: true)

        // Membership changes suspend, so they come last, after the keys are where they must be.
        if nodeUp, !joined, !stopping {
            joined = true
            logger.info("joining the election", metadata: ["lease": "\(config.leaseName)"])
            let controller = self
            await deps.leadership.join { update in await controller.handle(update) }
            finishPass(deps.clock.now(), countsAsLoopPass: false)
        } else if !nodeUp, joined, nodeKnownNotForging {
            joined = false
            logger.notice("node is down: leaving the election until it is back")
            await deps.leadership.leave()
            dropLeadership()
            finishPass(deps.clock.now(), countsAsLoopPass: false)
        }
    }

    /// Safe to let others acquire: the forging keys are gone and the node was told, or no node
    /// runs. Keys present with `keysForForging == false` are boot keys (`keysForForging` is only
    /// cleared once a removal succeeded), which a non-producing start never forges with.
    var nodeKnownNotForging: Bool {
        !keysForForging && (reloadPending == nil || location == .notRunning)
    }

    /// The socket accepts connections. The first time (after boot or a restart), keys left from
    /// boot provisioning go before anything else, unless this pod already may forge.
    private func nodeIsUp() {
        socketFailures = 0
        waitingForSocketSince = nil
        bootProblem = nil
        if nodeUp {
            // A new process behind a socket that never looked down: it restarted quickly.
            // It started non-producing, so it only needs telling what to do.
            if let pid = location.pid, let previous = upPid, pid != previous {
                upPid = pid
                logger.warning("node process changed while its socket stayed up", metadata: [
                    "previous": "\(previous)", "pid": "\(pid)"])
                if keysForForging {
                    reloadPending = (true, "node_restart")
                } else if credentials.state != .absent {
                    removeKeys(reason: "node_up_cleanup")
                }
            }
            return
        }
        nodeUp = true
        upPid = location.pid
        logger.notice("node socket accepts connections", metadata: ["pid": "\(location.pid.map(String.init) ?? "unknown")"])
        if credentials.state != .absent && !keysForForging {
            removeKeys(reason: "node_up_cleanup")
        }
    }

    private func nodeIsNotUp(_ now: MonotonicInstant) {
        socketFailures += 1
        if nodeUp {
            // One failed probe may be load; a vanished or replaced process, or a second
            // failure in a row, is a restart.
            let restarted = location.pid == nil || location.pid != upPid
            if restarted || socketFailures >= 2 {
                nodeUp = false
                waitingForSocketSince = now
                logger.warning("node socket stopped accepting connections", metadata: [
                    "pid": "\(location.pid.map(String.init) ?? "none")", "restarted": "\(restarted)"])
            }
        }
        guard !nodeUp else { return }
        provisionForBootIfAllowed()
        if let since = waitingForSocketSince, config.socketWaitTimeout > .zero,
           now.duration(since: since) > config.socketWaitTimeout, bootProblem == nil {
            bootProblem = "node socket \(config.nodeSocket) not accepting connections after \(Int(config.socketWaitTimeout.seconds)) s"
            lastError = bootProblem
            logger.error("\(bootProblem!)")
        }
    }

    /// Keys let a node boot (cardano-node aborts when one is missing, even non-producing), so
    /// they are provisioned while no node process runs: in the chart the node container starts
    /// only after this sidecar's startup probe, which waits for exactly that. A node without
    /// `--start-as-non-producing-node` would forge right after its replay, so the moment one is
    /// seen its boot keys are unlinked (no SIGHUP: it may not have installed its handler yet and
    /// would die of it) and the error is reported; at its socket the usual cleanup signals it.
    /// The process that was up before (socket gone, process still there) is not booting and
    /// gets nothing either.
    private func provisionForBootIfAllowed() {
        switch location {
        case .notRunning:
            provisionBootKeys(for: nil)
        case .found(let pid, let nonProducing):
            guard pid != upPid else { return }
            // A process caught while exiting shows an empty command line; only a second look
            // at the same live process without the flag counts.
            if !nonProducing, deps.node.locateNode() != .found(pid: pid, nonProducingFlag: false) { return }
            if nonProducing {
                provisionBootKeys(for: pid)
            } else {
                refuseProducingStart(pid: pid)
            }
        case .unavailable:
            return      // ambiguous: nothing is provisioned for a process we cannot identify
        }
    }

    private func provisionBootKeys(for pid: Int32?) {
        guard credentials.state != .present else { return }
        do {
            bootProblem = nil
            if try deps.node.installCredentials() {
                recordCredentialChange("provision")
                logger.notice("provisioned keys for a non-producing start", metadata: [
                    "pid": "\(pid.map(String.init) ?? "none yet")"])
            }
            credentialProblem = nil
        } catch {
            credentialProblem = "cannot provision keys: \(error)"
            lastError = credentialProblem
            logger.error("\(credentialProblem!)")
        }
        credentials = deps.node.credentialSnapshot()
    }

    private func refuseProducingStart(pid: Int32) {
        let problem = "cardano-node (pid \(pid)) runs without --start-as-non-producing-node: refusing to provision keys"
        if bootProblem != problem {
            bootProblem = problem
            lastError = problem
            logger.error("\(problem)")
        }
        guard !keysForForging, credentials.state != .absent else { return }
        do {
            if try deps.node.removeCredentials() {
                recordCredentialChange("remove")
                logger.notice("keys removed", metadata: ["reason": "refuse_producing_start", "pid": "\(pid)"])
            }
        } catch {
            credentialProblem = "cannot remove keys: \(error)"
            lastError = credentialProblem
            logger.critical("\(credentialProblem!)")
        }
        credentials = deps.node.credentialSnapshot()
    }

    /// Puts the keys where the decision says. Installing is preceded by the fence record, so
    /// the guard can take them away if we die right after.
    func applyDesiredState(_ now: MonotonicInstant) {
        guard !stopping else { return }
        let installed = keysForForging && credentials.state == .present
        let decision = ForgingCondition(
            holdsLease: isLeader, clusterAllowed: permission.allowed, nodeUp: nodeUp,
            fenceDeadline: fenceDeadline, now: now, margin: config.fenceMargin)
        if decision.shouldForge(keysInstalled: installed) {
            guard !installed, let deadline = fenceDeadline else { return }
            guard writeFence(.forging(until: deadline)) else { return }
            do {
                let changed = try deps.node.installCredentials()
                keysForForging = true
                credentialProblem = nil
                credentials = deps.node.credentialSnapshot()
                if changed { recordCredentialChange("install") }
                logger.notice("keys installed: this pod forges", metadata: ["reason": "\(permission.reason)"])
                reload(expectEnabled: true, reason: "enable")
            } catch {
                // Sources are read before any target is touched, so nothing changed.
                credentialProblem = "cannot install keys: \(error)"
                lastError = credentialProblem
                logger.error("\(credentialProblem!)")
                writeFence(.notForging)
            }
            return
        }
        // Not forging. While the node boots, provisioned keys stay; otherwise they go.
        let managing = nodeUp || keysForForging || (location.pid != nil && location.pid == upPid)
        guard managing else { return }
        if credentials.state != .absent {
            removeKeys(reason: fencedReason != nil && keysForForging ? "fence" : "disable")
        } else if keysForForging {
            keysForForging = false
        }
        if !keysForForging { writeFenceIfChanged(.notForging) }
    }

    func removeKeys(reason: String) {
        do {
            let changed = try deps.node.removeCredentials()
            keysForForging = false
            credentials = deps.node.credentialSnapshot()
            credentialProblem = nil
            if changed { recordCredentialChange("remove") }
            logger.notice("keys removed", metadata: ["reason": "\(reason)"])
            if changed || reloadPending != nil { reload(expectEnabled: false, reason: reason) }
            writeFenceIfChanged(.notForging)
        } catch {
            credentialProblem = "cannot remove keys: \(error)"
            lastError = credentialProblem
            logger.critical("\(credentialProblem!)")
        }
    }

    /// SIGHUP to the node, located afresh. A node that cannot be signalled leaves a pending
    /// reload, retried every pass, and the pod does not claim forging meanwhile.
    @discardableResult
    func reload(expectEnabled: Bool, reason: String) -> Bool {
        let target = deps.node.locateNode()
        location = target
        switch target {
        case .notRunning where !expectEnabled:
            reloadPending = nil     // nothing runs, nothing forges; a new node reads the files
            return true
        case .found(let pid, _):
            let mark = deps.node.logMark()
            do {
                try deps.node.sendReload(to: pid)
                deps.metrics.sighup(reason: reason)
                reloadPending = nil
                lastReload = (pid, expectEnabled, mark)
                logger.notice("sent SIGHUP to cardano-node", metadata: [
                    "pid": "\(pid)", "reason": "\(reason)", "forging": "\(expectEnabled)"])
                return true
            } catch {
                lastError = "cannot signal cardano-node (pid \(pid)): \(error)"
            }
        case .notRunning:
            lastError = "cannot signal cardano-node: no process named \(config.nodeProcessName)"
        case .unavailable(let why):
            lastError = "cannot signal cardano-node: \(why)"
        }
        reloadPending = (expectEnabled, reason)
        logger.error("\(lastError!)", metadata: ["reason": "\(reason)"])
        return false
    }

    func retryPendingReload() {
        guard let pending = reloadPending else { return }
        // Re-evaluate what the node should be told: the keys may have changed since.
        let expect = keysForForging && credentials.state == .present
        reload(expectEnabled: expect, reason: expect == pending.expectEnabled ? "retry" : pending.reason)
    }

    @discardableResult
    func writeFence(_ record: FenceIntent) -> Bool {
        do {
            try deps.node.writeFence(record)
            lastFence = record
            return true
        } catch {
            lastError = "cannot write fence file \(config.fenceFile): \(error)"
            logger.error("\(lastError!)")
            return false
        }
    }

    func writeFenceIfChanged(_ record: FenceIntent) {
        if lastFence != record { writeFence(record) }
    }

    func recordCredentialChange(_ operation: String) {
        credentialsChangedAt = deps.wallClock()
        for file in ["kes", "vrf", "opcert"] {
            deps.metrics.credentialOperation(operation, file: file)
        }
    }
}
