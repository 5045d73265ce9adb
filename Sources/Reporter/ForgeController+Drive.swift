import ForgeCore
import ForgeNode
import FoundationEssentials
import Logging

extension ForgeController {
    /// One full pass: probe the socket, look at the pod, then let the machine act.
    func reconcile() async {
        guard !machine.stopping else { return }
        let socketOK = config.disableSocketCheck ? true : await deps.node.socketAcceptsConnections()
        guard !machine.stopping else { return }
        let now = deps.clock.now()
        socketHealthy = socketOK
        socketCheckedAt = deps.wallClock()
        let wasUp = machine.nodeUp
        machine.observe(gather(now: now, socketUp: socketOK), now: now)
        trackNodeUp(wasUp: wasUp, now: now)
        await drive(countsAsLoopPass: true, refresh: false)
    }

    /// Everything the machine decides on, gathered without suspending.
    func gather(now: MonotonicInstant, socketUp: Bool) -> PodObservation {
        sighting = deps.node.locateNode()
        credentials = deps.node.credentialSnapshot()
        permission = deps.permission.permission(at: now)
        return PodObservation(
            socketUp: socketUp, node: sighting, keys: credentials.keyFiles,
            clusterAllowed: permission.allowed, guardAlive: deps.node.guardAlive(),
            credentialsUsable: deps.credentials?.inspection?.verdict != .cannotForge,
            exposedProcessAlive: machine.exposedProcess.flatMap { deps.node.isAlive($0) })
    }

    private func trackNodeUp(wasUp: Bool, now: MonotonicInstant) {
        if machine.nodeUp && !wasUp {
            waitingForSocketSince = nil
            socketWaitProblem = nil
            logger.notice("node socket accepts connections", metadata: ["node": "\(sighting)"])
        } else if !machine.nodeUp && wasUp {
            waitingForSocketSince = now
            logger.warning("node socket stopped accepting connections", metadata: ["node": "\(sighting)"])
            deps.events?.nodeRestarted(detail: "socket \(config.nodeSocket) stopped accepting connections (\(sighting))")
        }
        if !machine.nodeUp, let since = waitingForSocketSince, config.socketWaitTimeout > .zero,
           now.duration(since: since) > config.socketWaitTimeout, socketWaitProblem == nil {
            socketWaitProblem = "node socket \(config.nodeSocket) not accepting connections after \(Int(config.socketWaitTimeout.seconds)) s"
            lastError = socketWaitProblem
            logger.error("\(socketWaitProblem!)")
        }
    }

    /// Carries out the machine's actions until it has none left (or one fails: the next pass
    /// retries). A single loop at a time; events arriving meanwhile make it go round again.
    func drive(countsAsLoopPass: Bool, refresh: Bool = true) async {
        if driving {
            redrive = true
            return
        }
        driving = true
        defer { driving = false }
        var first = true
        repeat {
            redrive = false
            if refresh || !first { machine.refresh(gather(now: deps.clock.now(), socketUp: socketHealthy)) }
            first = false
            var steps = 0
            while steps < 32, let action = machine.nextAction(now: deps.clock.now()) {
                steps += 1
                let outcome = await perform(action)
                machine.record(outcome, of: action, now: deps.clock.now())
                if case .failed(let why) = outcome {
                    lastError = "\(action): \(why)"
                    logger.error("action failed, retrying on the next pass", metadata: [
                        "action": "\(action)", "error": "\(why)"])
                    break
                }
            }
            finishPass(deps.clock.now(), countsAsLoopPass: countsAsLoopPass)
        } while redrive
    }

    /// The I/O behind one action. Synchronous but for the election and the confirmation wait.
    func perform(_ action: PodAction) async -> PodActionOutcome {
        do {
            switch action {
            case .writeFence(let intent):
                try deps.node.writeFence(intent)
            case .provisionBootKeys:
                if try deps.node.provisionCredentials() { recordCredentialChange("provision") }
                logger.notice("provisioned keys for a non-producing start", metadata: ["node": "\(sighting)"])
            case .installKeys(let process):
                if try deps.node.installCredentials(for: process) { recordCredentialChange("install") }
                deps.events?.keysInstalled()
                logger.notice("keys installed: this pod forges", metadata: [
                    "node": "\(process)", "reason": "\(permission.reason)"])
            case .removeKeys(let reason):
                let changed = try deps.node.removeCredentials()
                if changed { recordCredentialChange("remove") }
                logger.notice("keys removed", metadata: ["reason": "\(reason)"])
                // Boot keys going at every node start are routine; forging keys going are news.
                if changed && reason != "node_up_cleanup" { deps.events?.keysRemoved(why: reason) }
                if reason == "fence" { deps.metrics.fenced() }
            case .signal(let process, let signal, let reason):
                let mark = deps.node.logMark()
                try deps.node.send(signal, to: process)
                if signal == .hangUp { deps.metrics.sighup(reason: reason) }
                if reason == "enable" { lastEnable = (process, mark, deps.clock.now()) } else { lastDisable = (process, mark) }
                let level: Logger.Level = signal == .hangUp ? .notice : .critical
                logger.log(level: level, "sent \(signal.rawValue) to cardano-node", metadata: [
                    "node": "\(process)", "reason": "\(reason)"])
            case .lookAgain:
                machine.refresh(gather(now: deps.clock.now(), socketUp: socketHealthy))
            case .joinElection:
                logger.info("joining the election", metadata: ["lease": "\(config.leaseName)"])
                electionGeneration += 1
                let controller = self, generation = electionGeneration
                await deps.leadership.join { update in await controller.handle(update, generation: generation) }
            case .leaveElection(let release):
                logger.notice(release ? "leaving the election (releasing the Lease if held)"
                                      : "leaving the election without releasing the Lease")
                electionGeneration += 1
                await deps.leadership.leave(release: release)
            case .confirmDisable:
                return .confirmed(await waitForDisabled())
            }
            return .done
        } catch let error as SignalError {
            switch error {
            case .noSuchProcess, .processChanged: return .processGone
            default: return .failed("\(error)")
            }
        } catch {
            return .failed("\(error)")
        }
    }

    /// Polls the node log (after the last disable) or the node's metrics until one shows
    /// forging disabled, up to confirmTimeout. With neither, nothing can be confirmed.
    private func waitForDisabled() async -> Bool {
        guard deps.node.canConfirm, let mark = lastDisable?.mark else { return false }
        // Real time on purpose: this waits for the real node, not for a decision of ours.
        let deadline = ContinuousClock.now + deps.confirmTimeout
        while true {
            if deps.node.loggedForging(after: mark) == false { return true }
            if await deps.node.metricsShowForging() == false { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    func recordCredentialChange(_ operation: String) {
        credentialsChangedAt = deps.wallClock()
        for file in ["kes", "vrf", "opcert"] {
            deps.metrics.credentialOperation(operation, file: file)
        }
    }
}
