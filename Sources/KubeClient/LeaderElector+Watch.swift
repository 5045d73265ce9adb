import ForgeCore

/// A standby's watch on its lease (`LeaderElectorWatch`): starting and stopping it, and what
/// its signals do to the schedule. Only hints: nothing here writes or claims leadership.
extension LeaderElector {
    func updateWatcher() {
        if election.isLeader || resigned {
            stopWatcher()
            return
        }
        guard watcher == nil else { return }
        let feed = LeaderElectorWatch(lock: lock, logger: logger)
        // Resume after what the last attempt read: events then are exactly the changes since.
        let version = election.observedRecord?.resourceVersion
        watcherGeneration += 1
        let generation = watcherGeneration
        let deliver: @Sendable (LeaseWatchSignal) async -> Void = { [weak self] signal in
            await self?.watchSaw(signal, generation: generation)
        }
        watcher = Task.detached { await feed.run(from: version, deliver: deliver) }
    }

    func stopWatcher() {
        watcher?.cancel()
        watcher = nil
        // A new watch (after a later loss of leadership) must prove itself again.
        _ = schedule.watchBroke()
    }

    /// Cuts the current pause short, so the run loop re-plans now.
    func replan() {
        pause?.cancel()
    }

    /// A signal from the watch. Never writes and never decides leadership: it records the
    /// observation (restarting the expiry wait, as a read seeing the same record would) and,
    /// when the lease became free, deleted or ours, starts the next attempt now. That attempt
    /// reads the lease afresh, so a late event costs one extra read, never a wrong claim. A
    /// broken watch makes the standby poll until the watch delivers again.
    func watchSaw(_ signal: LeaseWatchSignal, generation: Int) {
        // While leading, our own renewals are the truth and an event may be older than them.
        guard running, !resigned, !election.isLeader, watcher != nil, generation == watcherGeneration else { return }
        let change: LeaseChange
        switch signal {
        case .broken(let reason):
            if schedule.watchBroke() {
                logger.debug("watch on lease \(lock.lockDescription) broken (\(reason)); polling every \(config.retryPeriod)")
                replan()
            }
            return
        case .event(let event):
            if schedule.watchDelivered() {
                logger.debug("watch on lease \(lock.lockDescription) healthy; reading only when the lease may be taken")
            }
            change = event
        }
        switch change {
        case .progress:
            return
        case .deleted:
            emit(election.observe(nil, at: clock.now()))
        case .changed(let record):
            emit(election.observe(record, at: clock.now()))
        }
        if let takeOver = election.takeOverPossibleAt, takeOver <= clock.now() {
            logger.debug("watch: lease \(lock.lockDescription) may be taken; trying now")
            schedule.wake()
            replan()
        }
    }
}
