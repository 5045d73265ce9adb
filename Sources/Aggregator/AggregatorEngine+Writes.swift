import ForgeCore
import FoundationEssentials
import KubeClient

/// One pending merge patch of a CardanoForgeCluster's /status.
struct StatusWriteJob: Sendable {
    var name: String
    /// `{"metadata":{"resourceVersion":…},"status":…}`: applied only to the version it was
    /// computed from.
    var body: Data
    var desired: CardanoForgeClusterStatus
    var previousForging: Bool?
    /// The write counter this patch sets (`status.heartbeat`).
    var heartbeat: Int64
}

extension AggregatorEngine {
    /// Patches in flight at once: enough that a burst of changes over many pools (a new term
    /// rewrites every status) does not hold up one change for seconds, few enough to stay
    /// gentle with the API server.
    static let concurrentWrites = 8

    /// The patch from `base` to `status`, conditional on `version`, or nil if nothing but the
    /// volatile fields differs (`withoutVolatileFields`): status is written when it changes,
    /// never on a timer, so steady-state writes do not grow with the number of pools.
    func writeJob(name: String, base: CardanoForgeClusterStatus?, desired: CardanoForgeClusterStatus,
                  version: String, heartbeat: Int64, now: MonotonicInstant) -> StatusWriteJob? {
        guard desired.differsSubstantively(from: base) else { return nil }
        var status = desired
        status.heartbeat = heartbeat + 1
        do {
            let old = try base.map { try JSONMergePatch.value(of: $0) }
            guard let patch = JSONMergePatch.diff(from: old, to: try JSONMergePatch.value(of: status)) else { return nil }
            return StatusWriteJob(
                name: name, body: try Self.conditionalPatch(status: patch, version: version), desired: status,
                previousForging: base?.forgingEnabled, heartbeat: heartbeat + 1)
        } catch {
            logger.error("cannot encode the status of \(name): \(error)")
            return nil
        }
    }

    /// Sends the patches a few at a time. Each result is applied as it arrives; nothing more
    /// is sent once this replica may no longer write.
    func perform(_ jobs: [StatusWriteJob]) async {
        guard !jobs.isEmpty else { return }
        let ordered = jobs
        let sink = sink
        var conflicts: [String] = []
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
                // An answered write is the loop making progress: a pass that rewrites 1 000
                // statuses (a new term) takes ~20 s at 50/s and must not count as a stall
                // (isAlive: /healthz and whether this replica vouches for its region).
                lastRecompute = clock.now()
                if let error = error as? KubeAPIError, error.isConflict {
                    conflicts.append(job.name)
                } else {
                    record(job, stored: stored, error: error)
                }
                if next < ordered.count, mayWrite { launch() }
            }
        }
        for name in conflicts { await reread(cluster: name) }
    }

    /// `{"metadata":{"resourceVersion":version},"status":patch}`: a merge patch the API server
    /// applies only while the object is still at `version` (409 otherwise).
    static func conditionalPatch(status patch: JSONValue, version: String) throws -> Data {
        try JSONEncoder().encode(JSONValue.object([
            "metadata": .object(["resourceVersion": .string(version)]), "status": patch]))
    }

    /// Our write was refused: the object moved on since the version we computed from (another
    /// writer, or our own earlier write answered late). Take what is stored as the new base;
    /// `recompute` decides again and writes only what still differs.
    private func reread(cluster name: String) async {
        metrics.countWriteConflict(kind: "cardanoforgecluster")
        logger.info("status write for CardanoForgeCluster \(name) was stale (409); re-reading it")
        lastWritten.removeValue(forKey: name)
        do {
            guard let stored = try await sink.getCluster(name: name) else { return }
            clusters[Self.localSource, default: [:]][name] = stored
            observeStored(stored)
            rereadAfterConflict.insert(name)
        } catch {
            logger.warning("re-reading CardanoForgeCluster \(name) failed: \(error)")
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
        unwrittenSince.removeValue(forKey: name)
        lastWriteProgress = clock.now()
        guard let stored else {
            logger.info("CardanoForgeCluster \(name) is gone; not writing its status")
            return
        }
        if job.desired.writtenBy != nil, stored.status?.writtenBy == nil {
            // The API server dropped the field: the installed CRD predates it. Reporters
            // cannot trust such a status (they deny); take what we sent as written so we do
            // not rewrite it every pass, and say what to do.
            if prunedWrittenByLogged.insert(name).inserted {
                logger.error("the API server dropped status.writtenBy of CardanoForgeCluster \(name): the installed CRD is older than this aggregator; apply charts/cardano-forge-crds/crds (reporters deny forging until then)")
            }
            lastWritten[name] = Shared(job.desired)
        } else {
            // What the API server stored (the next pass's base, which `desired` then shares).
            lastWritten[name] = stored.sharedStatus ?? Shared(job.desired)
        }
        if let version = stored.metadata.resourceVersion { clusterVersions[name] = version }
        heartbeatCounter[name] = job.heartbeat
        if job.previousForging != job.desired.forgingEnabled {
            logger.notice("\(name): forgingEnabled \(job.desired.forgingEnabled ?? false) (\(job.desired.reason ?? "")): \(job.desired.message ?? "")")
        }
    }
}
