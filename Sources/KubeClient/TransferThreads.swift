#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Dedicated threads for blocking libcurl transfers. A blocking perform must never run on
/// Swift's cooperative pool (two cores: two stuck transfers would stall every task), so each
/// job gets a thread of its own: an idle one if there is one, otherwise a new one. A long
/// watch therefore never delays other requests. Idle threads linger briefly for reuse.
final class TransferThreads: @unchecked Sendable {
    static let shared = TransferThreads()

    private let condition = ThreadCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var idle = 0
    private var spawned = 0
    private let linger: Duration

    init(linger: Duration = .seconds(30)) { self.linger = linger }

    func run(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        if idle >= jobs.count {
            condition.signal()
            condition.unlock()
            return
        }
        spawned += 1
        let number = spawned
        condition.unlock()
        do {
            try PosixThread.start(name: "kube-transfer-\(number)", stackSize: 1 << 20) { [self] in workerLoop() }
        } catch {
            // No thread (EAGAIN: process or cgroup thread limit). Run the job here rather than
            // drop it: its caller waits for it, and a slow request beats a lost one.
            // (Another worker may have taken this job meanwhile; then this runs the next one.)
            condition.lock()
            let next = jobs.isEmpty ? nil : jobs.removeFirst()
            condition.unlock()
            next?()
        }
    }

    private func workerLoop() {
        condition.lock()
        while true {
            while jobs.isEmpty {
                idle += 1
                let signalled = condition.wait(timeout: linger)
                idle -= 1
                if !signalled && jobs.isEmpty {
                    condition.unlock()
                    return
                }
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            condition.lock()
        }
    }
}
