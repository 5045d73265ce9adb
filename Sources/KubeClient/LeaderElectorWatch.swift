import ForgeCore
import Logging

/// What a standby's lease watch tells its elector.
enum LeaseWatchSignal: Sendable, Equatable {
    /// An event (a change, or a bookmark: nothing changed up to its version).
    case event(LeaseChange)
    /// The stream failed, was refused, or the lock cannot watch: changes may be missed until
    /// the next event, so the elector polls meanwhile.
    case broken(String)
}

/// Keeps a watch on the lease open for a standby and hands every change to `deliver`, so a
/// release (holder cleared) or deletion is noticed within a round trip, and a standby need not
/// poll while the watch is healthy (ARCHITECTURE.md §7: followers learn of changes by watch).
///
/// The watch is only a hint. It can lag, be cut, or be refused; the elector then polls
/// (`LeaseAttemptSchedule`), and never claims leadership from an event: it re-reads and writes
/// with compare-and-swap exactly as a poll would. A stream the server ends cleanly (its
/// request timeout) is resumed from the last resourceVersion at once: one request, no gap,
/// no poll. A failed stream is reported, then retried with capped backoff. The loop ends when
/// its task is cancelled.
struct LeaderElectorWatch: Sendable {
    let lock: LeaseLock
    let logger: Logger
    /// First reconnect delay after a failure; doubles per consecutive failure up to `maxBackoff`.
    var minBackoff: Duration = .milliseconds(250)
    var maxBackoff: Duration = .seconds(10)
    /// A stream that stayed open this long counts as healthy even if the lease never changed.
    var healthyAfter: Duration = .seconds(10)

    /// Runs until cancelled or until the lock turns out not to support watching.
    func run(from resourceVersion: String?, deliver: @escaping @Sendable (LeaseWatchSignal) async -> Void) async {
        var version = resourceVersion
        var failures = 0
        let clock = ContinuousClock()
        while !Task.isCancelled {
            guard let stream = lock.watch(after: version) else {
                logger.debug("lease \(lock.lockDescription) cannot be watched; polling only")
                await deliver(.broken("the lease lock cannot watch"))
                return
            }
            let openedAt = clock.now
            var delivered = false
            do {
                for try await change in stream {
                    delivered = true
                    version = change.resourceVersion ?? version
                    await deliver(.event(change))
                }
                // Ended cleanly (the server's timeout): resume from `version`, missing nothing.
            } catch let error as LeaseWatchExpired {
                logger.debug("\(error)")
                version = nil
                if !Task.isCancelled { await deliver(.broken("\(error)")) }
            } catch {
                if !Task.isCancelled {
                    logger.debug("watch on lease \(lock.lockDescription) failed: \(error); polling until it reconnects")
                    await deliver(.broken("\(error)"))
                }
            }
            if Task.isCancelled { return }
            failures = delivered || clock.now - openedAt >= healthyAfter ? 0 : failures + 1
            try? await Task.sleep(for: backoff(failures: failures))
        }
    }

    /// Equal jitter: half fixed, half random, so standbys cut together do not reconnect together.
    func backoff(failures: Int) -> Duration {
        let doublings = min(max(failures - 1, 0), 16)
        let capped = min(Double(minBackoff.nanoseconds) * Double(1 << doublings), Double(maxBackoff.nanoseconds))
        return .nanoseconds(Int64(capped / 2 + Double.random(in: 0..<1) * capped / 2))
    }
}
