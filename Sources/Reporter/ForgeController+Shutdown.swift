import ForgeCore
import Foundation
import Logging

extension ForgeController {
    /// Graceful stop (SIGTERM, ARCHITECTURE.md §4.7): remove the keys, SIGHUP, wait for the node
    /// to confirm, then release the Lease so a standby takes over within about a second, and
    /// publish `stopping`. If the node cannot be confirmed disabled the Lease is not released
    /// (only abandoned): others then wait for it to expire, by which time our fence has long
    /// passed.
    func shutdown() async {
        guard !stopping else { return }
        stopping = true
        logger.notice("stopping: disabling forging before leaving the election")
        var safeToRelease = true
        do {
            if try deps.node.removeCredentials() { recordCredentialChange("remove") }
            logger.notice("keys removed", metadata: ["reason": "shutdown"])
        } catch {
            lastError = "cannot remove keys on shutdown: \(error)"
            logger.critical("\(lastError!)")
            safeToRelease = false
        }
        keysForForging = false
        credentials = deps.node.credentialSnapshot()

        let target = deps.node.locateNode()
        location = target
        switch target {
        case .notRunning:
            break
        case .unavailable(let why):
            lastError = "cannot signal cardano-node on shutdown: \(why)"
            safeToRelease = false
        case .found(let pid, _):
            let mark = deps.node.logMark()
            do {
                try deps.node.sendReload(to: pid)
                deps.metrics.sighup(reason: "shutdown")
                logger.notice("sent SIGHUP to cardano-node", metadata: ["pid": "\(pid)", "reason": "shutdown", "forging": "false"])
                if deps.node.canConfirm {
                    let confirmed = await waitForDisabled(after: mark)
                    if !confirmed {
                        lastError = "cardano-node did not log 'Disabling block forging' within \(deps.confirmTimeout)"
                        logger.error("\(lastError!)")
                        safeToRelease = false
                    }
                } else {
                    try? await Task.sleep(for: deps.unconfirmedSettle)
                }
            } catch {
                lastError = "cannot signal cardano-node (pid \(pid)) on shutdown: \(error)"
                logger.critical("\(lastError!)")
                safeToRelease = false
            }
        }
        writeFence(.notForging)
        forgingClaim = false
        deps.metrics.setForging(false)

        if joined {
            logger.notice(safeToRelease ? "releasing the Lease" : "leaving the election without releasing the Lease")
            await deps.leadership.leave(release: safeToRelease)
            joined = false
        }
        dropLeadership()
        deps.metrics.setLeader(false)
        if let report = schedule.next(buildReport(), now: deps.clock.now(), force: true) {
            _ = await deps.publisher.publishNow(report, timeout: .seconds(2))
        }
        logger.notice("stopped")
    }

    /// Polls the node log until it shows forging disabled after `mark`, up to confirmTimeout.
    private func waitForDisabled(after mark: Int) async -> Bool {
        // Real time on purpose: this waits for the real node, not for a decision of ours.
        let deadline = ContinuousClock.now + deps.confirmTimeout
        while true {
            if deps.node.loggedForging(after: mark) == false { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
