import ForgeCore

/// An election request that did not finish within its attempt budget.
public struct LeaderElectorTimeout: Error, Sendable, CustomStringConvertible {
    public let limit: Duration
    public let operation: String
    public var description: String { "\(operation) did not finish within \(limit)" }
}

/// Runs `operation` in its own task and returns its result, or `LeaderElectorTimeout` as soon
/// as `limit` has passed, or `CancellationError` as soon as the caller is cancelled.
///
/// The operation is cancelled in both cases (the libcurl transport aborts promptly), but the
/// caller does not wait for that: the elector's schedule must never depend on a transport
/// honouring cancellation. Fencing never waits on this either; it has its own timer.
func withElectionDeadline<T: Sendable>(
    _ limit: Duration, _ operation: String, _ body: @escaping @Sendable () async throws -> T
) async -> Result<T, Error> {
    guard limit > .zero else { return .failure(LeaderElectorTimeout(limit: limit, operation: operation)) }
    let pending = Locked<CheckedContinuation<Result<T, Error>, Never>?>(nil)
    let tasks = Locked<[Task<Void, Never>]>([])
    @Sendable func finish(_ result: Result<T, Error>) {
        let continuation = pending.withLock { slot -> CheckedContinuation<Result<T, Error>, Never>? in
            defer { slot = nil }
            return slot
        }
        guard let continuation else { return }
        for task in tasks.withLock({ $0 }) { task.cancel() }
        continuation.resume(returning: result)
    }
    return await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, Error>, Never>) in
            pending.withLock { $0 = continuation }
            // onCancel may have run before there was anything to resume.
            if Task.isCancelled {
                finish(.failure(CancellationError()))
                return
            }
            let timer = Task {
                do { try await Task.sleep(for: limit) } catch { return }
                finish(.failure(LeaderElectorTimeout(limit: limit, operation: operation)))
            }
            let work = Task {
                do { finish(.success(try await body())) } catch { finish(.failure(error)) }
            }
            tasks.withLock { $0 = [timer, work] }
            // Cancelled before the handles were stored: finish() found none to cancel.
            if pending.withLock({ $0 == nil }) { timer.cancel(); work.cancel() }
        }
    } onCancel: {
        finish(.failure(CancellationError()))
    }
}
