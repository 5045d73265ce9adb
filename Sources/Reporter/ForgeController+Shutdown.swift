import ForgeCore
import FoundationEssentials
import Logging

extension ForgeController {
    /// Graceful stop (SIGTERM, ARCHITECTURE.md §4.7), driven by the machine: the keys go, the
    /// node that had them is told (escalating to SIGTERM/SIGKILL if it cannot be), the node
    /// confirms, the fence record says "not forging", and only then is the Lease released, so a
    /// standby takes over at once. An unconfirmed disable leaves the election without releasing:
    /// others wait for the Lease to expire, after our fence. Bounded by `stopBound` overall; what is
    /// still owed then stays in the fence record for the guard.
    func shutdown() async {
        guard !machine.stopping else { return }
        logger.notice("stopping: disabling forging before leaving the election")
        machine.requestStop()
        let deadline = ContinuousClock.now + deps.stopBound
        while machine.state != .stopped && ContinuousClock.now < deadline {
            await drive(countsAsLoopPass: false)
            if machine.state == .stopped { break }
            try? await Task.sleep(for: deps.fastPoll)
        }
        if machine.state != .stopped {
            logger.critical("stopping with a disable still owed: the guard enforces the fence", metadata: [
                "state": "\(machine.state)"])
            if machine.joined {
                electionGeneration += 1
                await deps.leadership.leave(release: false)
            }
        }
        forgingClaim = false
        deps.metrics.setForging(false)
        deps.metrics.setLeader(false)
        if let report = schedule.next(buildReport(), now: deps.clock.now(), force: true) {
            _ = await deps.publisher.publishNow(report, timeout: .seconds(2))
        }
        logger.notice("stopped")
    }
}
