import ForgeCore
import Foundation
import KubeClient

/// One pending merge patch of a CardanoForgeCluster's /status.
struct StatusWriteJob: Sendable {
    var name: String
    var body: Data
    var desired: CardanoForgeClusterStatus
    var previousForging: Bool?
    var heartbeat: Int64
    var heartbeatDue: Bool
    var now: MonotonicInstant
    /// Something besides the heartbeat counter changed: written before heartbeat-only patches.
    var substantive: Bool
}

extension AggregatorEngine {
    /// Patches in flight at once: enough that a heartbeat round over many pools does not hold
    /// up a report change for seconds, few enough to stay gentle with the API server.
    static let concurrentWrites = 8

    /// The patch from `base` to `status`, or nil if nothing differs.
    func writeJob(name: String, base: CardanoForgeClusterStatus?, desired status: CardanoForgeClusterStatus,
                  heartbeat: Int64, heartbeatDue: Bool, now: MonotonicInstant) -> StatusWriteJob? {
        // Most recomputations change nothing: compare the models before paying for JSON.
        if let base, base == status { return nil }
        do {
            let old = try base.map { try JSONMergePatch.value(of: $0) }
            guard let patch = JSONMergePatch.diff(from: old, to: try JSONMergePatch.value(of: status)) else { return nil }
            var withoutBeat = status
            withoutBeat.heartbeat = base?.heartbeat
            return StatusWriteJob(
                name: name, body: try JSONEncoder().encode(JSONValue.object(["status": patch])), desired: status,
                previousForging: base?.forgingEnabled, heartbeat: heartbeat, heartbeatDue: heartbeatDue, now: now,
                substantive: withoutBeat != base)
        } catch {
            logger.error("cannot encode the status of \(name): \(error)")
            return nil
        }
    }

    /// Sends the patches, real changes first, a few at a time. Each result is applied as it
    /// arrives; nothing more is sent once this replica may no longer write.
    func perform(_ jobs: [StatusWriteJob]) async {
        guard !jobs.isEmpty else { return }
        // Heartbeat-only patches are spread over passes (twice the rate the heartbeat needs),
        // so a round over many pools never holds up a real change for long. Those left out
        // stay due and go in the next pass.
        let passesPerBeat = max(config.heartbeatInterval / config.tick, 1)
        let budget = max(20, Int((Double(owned.count) / passesPerBeat * 2).rounded(.up)))
        let ordered = jobs.filter(\.substantive) + jobs.filter { !$0.substantive }.prefix(budget)
        let sink = sink
        await withTaskGroup(of: (StatusWriteJob, CardanoForgeCluster?, Error?).self) { group in
            var next = 0
            func launch() {
                let job = ordered[next]
                next += 1
                group.addTask {
                    do { return (job, try await sink.patchClusterStatus(name: job.name, patch: job.body), nil) }
                    catch { return (job, nil, error) }
                }
            }
            while next < min(Self.concurrentWrites, ordered.count) { launch() }
            for await (job, stored, error) in group {
                record(job, stored: stored, error: error)
                if next < ordered.count, mayWrite { launch() }
            }
        }
    }

    private func record(_ job: StatusWriteJob, stored: CardanoForgeCluster?, error: Error?) {
        let name = job.name
        if let error {
            metrics.countWriteFailure(kind: "cardanoforgecluster")
            logger.warning("status write for CardanoForgeCluster \(name) failed: \(error)")
            return
        }
        metrics.countWrite(kind: "cardanoforgecluster")
        guard let stored else {
            logger.info("CardanoForgeCluster \(name) is gone; not writing its status")
            return
        }
        lastWritten[name] = stored.status ?? job.desired
        heartbeatCounter[name] = job.heartbeat
        if job.heartbeatDue { lastHeartbeatAt[name] = job.now }
        if job.previousForging != job.desired.forgingEnabled {
            logger.notice("\(name): forgingEnabled \(job.desired.forgingEnabled ?? false) (\(job.desired.reason ?? "")): \(job.desired.message ?? "")")
        }
    }
}
