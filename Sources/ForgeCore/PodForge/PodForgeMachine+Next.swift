extension PodForgeMachine {
    /// The next I/O to perform, or nil when the pod is where it should be. Call again after
    /// `record` until it returns nil.
    public mutating func nextAction(now: MonotonicInstant) -> PodAction? {
        if isLeader, let deadline = leaseDeadline, now >= deadline {
            // Our own fence check: the elector may be stuck in a request; the deadline is not.
            isLeader = false
            leaseDeadline = nil
            fencedAt = now
        }
        transition(now)
        switch state {
        case .booting: return nextWhileBooting(now)
        case .standby: return nextInStandby(now)
        case .installing(let node): return nextWhileInstalling(node)
        case .forging(let node): return nextWhileForging(node)
        case .disabling(let disable): return nextWhileDisabling(disable, now)
        case .stopped: return nil
        }
    }

    /// Moves between states on the latest inputs; no I/O.
    mutating func transition(_ now: MonotonicInstant) {
        let want = shouldForge(now: now)
        switch state {
        case .booting, .standby:
            state = nodeUp ? .standby : .booting
            if want, let node = observation.node.process {
                state = .installing(node)
                observation.exposedProcessAlive = nil   // it was about another process, if any
            }
        case .installing(let node), .forging(let node):
            if observation.exposedProcessAlive == false {
                // The process the keys were for is gone: its keys go (nobody to tell); a
                // successor booted non-producing and gets keys the usual way.
                state = .disabling(Disable(target: node, since: now, reason: "node_gone"))
            } else if !want, case .installing = state, !keysForForging, !observation.keys.anyPresent {
                state = nodeUp ? .standby : .booting    // nothing was installed: nothing owed
            } else if !want {
                state = .disabling(Disable(target: node, since: now, reason: disableReason))
            } else if case .forging = state, observation.keys != .present {
                // Someone took the keys (the guard, a person): make the node agree, then reinstall.
                state = .disabling(Disable(target: node, since: now, reason: "keys_vanished"))
            } else if let current = observation.node.process, current != node, case .installing = state {
                state = .installing(current)
                observation.exposedProcessAlive = nil
            }
        case .disabling, .stopped:
            break
        }
    }

    private var disableReason: String {
        if stopping { return "shutdown" }
        if fencedAt != nil { return "fence" }
        return "disable"
    }

    private mutating func nextWhileBooting(_ now: MonotonicInstant) -> PodAction? {
        if stopping { return nextWhileStopping(now) }
        if fence != .notForging { return .writeFence(.notForging) }
        if joined { return .leaveElection(release: true) }
        switch observation.node {
        case .notRunning:
            producingSighting = nil
            if !observation.keys.anyPresent { return .provisionBootKeys }
        case .running(let process, let nonProducing) where process != upProcess:
            if nonProducing {
                producingSighting = nil
                if !observation.keys.anyPresent { return .provisionBootKeys }
            } else if producingSighting != process {
                producingSighting = process  // a process caught while exiting shows no flag
                return .lookAgain
            } else {
                // A second look at the same live process without the flag: it would forge
                // right after its replay with the keys it read at start, whatever happens to
                // the files now. Its keys go and it is stopped (SIGTERM, then SIGKILL): a node
                // that cannot start non-producing must not start at all.
                bootProblem = "cardano-node (pid \(process.pid)) runs without --start-as-non-producing-node: refusing to provision keys"
                if observation.keys.anyPresent {
                    var stop = Disable(target: process, since: now, reason: "refuse_producing_start")
                    stop.signal = .terminate
                    stop.mayBeForging = true
                    state = .disabling(stop)
                    return .removeKeys(reason: "refuse_producing_start")
                }
            }
        case .running, .unknown:
            break   // the process that was up (socket gone), or one we cannot identify
        }
        return nil
    }

    private mutating func nextInStandby(_ now: MonotonicInstant) -> PodAction? {
        if observation.keys.anyPresent {
            // Keys on an up node that does not forge: boot keys (or left by a dead forger).
            // They go, and the node is told, before it may take part in the election.
            var cleanup = Disable(target: currentNode, since: now, reason: "node_up_cleanup")
            // Boot keys on a node seen to start non-producing are harmless; on any other node
            // (no flag, or one we cannot identify) they may be forging.
            if case .running(_, nonProducing: true) = observation.node {} else { cleanup.mayBeForging = true }
            state = .disabling(cleanup)
            return nextWhileDisabling(cleanup, now)
        }
        if stopping { return nextWhileStopping(now) }
        if fence != .notForging { return .writeFence(.notForging) }
        // A pod that could not forge (no live guard to fence it, credentials that cannot forge)
        // does not campaign: as leader it would hold the Lease and nobody would forge.
        let canCampaign = observation.credentialsUsable && observation.guardAlive
        if !joined && canCampaign { return .joinElection }
        if joined && !canCampaign { return .leaveElection(release: true) }
        return nil
    }

    private func nextWhileInstalling(_ node: NodeProcessID) -> PodAction? {
        guard let deadline = leaseDeadline else { return nil }
        let wanted = FenceIntent.forging(until: deadline, node: node)
        if fence != wanted { return .writeFence(wanted) }
        if !keysForForging || observation.keys != .present { return .installKeys(for: node) }
        return .signal(node, .hangUp, reason: "enable")
    }

    private func nextWhileForging(_ node: NodeProcessID) -> PodAction? {
        // The record follows every renewal (never shortened: a later deadline only).
        if let deadline = leaseDeadline, let written = fence?.deadline, deadline > written {
            return .writeFence(.forging(until: deadline, node: node))
        }
        return nil
    }

    private mutating func nextWhileDisabling(_ disable: Disable, _ now: MonotonicInstant) -> PodAction? {
        if disable.mayBeForging, fence == .notForging, !disable.recordTried {
            // A node that may forge is about: the record says so, and the guard enforces it now.
            // Tried once: a failing write must not hold up the disable itself.
            var tried = disable
            tried.recordTried = true
            state = .disabling(tried)
            return .writeFence(.forging(until: now, node: disable.target))
        }
        if observation.keys.anyPresent { return .removeKeys(reason: disable.reason) }
        var disable = disable
        if disable.target == nil, case .running(let process, _) = observation.node {
            disable.target = process
        }
        guard let target = disable.target else {
            if observation.node == .notRunning {
                completeDisable(delivered: nil)
                return nextAction(now: now)
            }
            // Cannot name the process: the fence deadline stays and the guard enforces it.
            disable.lastFailure = "cannot tell which process is our node: \(observation.node)"
            state = .disabling(disable)
            problem = disable.lastFailure
            return stoppingAbandon(disable, now)
        }
        if observation.exposedProcessAlive == false {
            completeDisable(delivered: nil)
            return nextAction(now: now)
        }
        let undelivered = now.duration(since: disable.escalatedAt ?? disable.since)
        if disable.lastFailure != nil || disable.stopSent, undelivered >= settings.disableBound {
            switch disable.signal {
            case .hangUp: disable.signal = .terminate
            case .terminate: disable.signal = .kill
            case .kill: break
            }
            disable.escalatedAt = now
            disable.stopSent = false
        }
        state = .disabling(disable)
        if disable.stopSent { return stoppingAbandon(disable, now) }   // waiting for it to die
        return .signal(target, disable.signal, reason: disable.reason)
    }

    /// While stopping, an undeliverable disable must not hold the pod forever: leave without
    /// releasing (the Lease expires after our fence, which the guard enforces).
    private func stoppingAbandon(_ disable: Disable, _ now: MonotonicInstant) -> PodAction? {
        if stopping, joined, now.duration(since: disable.since) >= settings.stopBound {
            return .leaveElection(release: false)
        }
        return nil
    }

    /// Nothing is owed any more: the disable reached `delivered`, or the process is gone.
    mutating func completeDisable(delivered: NodeProcessID?) {
        keysForForging = false
        if stopping, let delivered { awaitingConfirmation = delivered }
        state = nodeUp ? .standby : .booting
        observation.exposedProcessAlive = nil
    }

    private mutating func nextWhileStopping(_ now: MonotonicInstant) -> PodAction? {
        if observation.keys.anyPresent { return .removeKeys(reason: "shutdown") }
        if let node = awaitingConfirmation, confirmation == nil { return .confirmDisable(node) }
        if fence != .notForging { return .writeFence(.notForging) }
        if joined { return .leaveElection(release: awaitingConfirmation == nil || confirmation == true) }
        state = .stopped
        return nil
    }
}
