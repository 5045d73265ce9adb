import Foundation

/// `eventually` gave up: the condition never held within the deadline.
public struct EventuallyTimeout: Error, CustomStringConvertible {
    public let what: String
    public let timeout: Duration
    public let lastError: String?

    public var description: String {
        "timed out after \(timeout) waiting for: \(what)" + (lastError.map { " (last error: \($0))" } ?? "")
    }
}

/// Polls `condition` until it returns true or `timeout` passes. Errors thrown by the
/// condition count as "not yet" (and are reported if the deadline passes), so it can wrap
/// requests against a server that is still coming up.
public func eventually(
    timeout: Duration, poll: Duration = .milliseconds(50), _ what: String,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var lastError: String?
    while true {
        do {
            if try await condition() { return }
        } catch {
            lastError = "\(error)"
        }
        if clock.now >= deadline {
            throw EventuallyTimeout(what: what, timeout: timeout, lastError: lastError)
        }
        try await Task.sleep(for: poll)
    }
}
