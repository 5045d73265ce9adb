import Foundation

/// Dedicated threads for blocking libcurl transfers. A blocking perform must never run on
/// Swift's cooperative pool (two cores: two stuck transfers would stall every task), so each
/// job gets a thread of its own: an idle one if there is one, otherwise a new one. A long
/// watch therefore never delays other requests. Idle threads linger briefly for reuse.
final class TransferThreads: @unchecked Sendable {
    static let shared = TransferThreads()

    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var idle = 0
    private var spawned = 0
    private let linger: TimeInterval

    init(linger: TimeInterval = 30) { self.linger = linger }

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
        let thread = Thread { [self] in workerLoop() }
        thread.name = "kube-transfer-\(number)"
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func workerLoop() {
        condition.lock()
        while true {
            while jobs.isEmpty {
                idle += 1
                let signalled = condition.wait(until: Date(timeIntervalSinceNow: linger))
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
