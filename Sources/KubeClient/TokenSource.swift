import FoundationEssentials
import ForgeCore

/// The bearer token: fixed, or read from a file that is re-read every `refreshInterval` and
/// immediately after a 401, because kubelet rotates projected service-account tokens.
final class TokenSource: @unchecked Sendable {
    private let fixed: String?
    private let file: String?
    private let refreshInterval: Duration
    private let clock: MonotonicClock
    private let lock = Lock()
    private var cached: String?
    private var readAt: MonotonicInstant?

    init(token: String?, file: String?, refreshInterval: Duration = .seconds(60), clock: MonotonicClock = SystemMonotonicClock()) {
        self.fixed = token
        self.file = file
        self.refreshInterval = refreshInterval
        self.clock = clock
    }

    /// True when a 401 may be cured by reading the file again.
    var canReload: Bool { file != nil }

    /// The token to send now. A file that cannot be read keeps the last good token (the
    /// rotation may be mid-write), falling back to the fixed token.
    func current() -> String? {
        guard let file else { return fixed }
        return lock.withLock {
            let now = clock.now()
            if let readAt, cached != nil, now.duration(since: readAt) < refreshInterval {
                return cached
            }
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                let token = text.trimmingWhitespace()
                if !token.isEmpty { cached = token }
            }
            readAt = now
            return cached ?? fixed
        }
    }

    /// Forces the next `current()` to read the file (after a 401).
    func invalidate() {
        lock.withLock { readAt = nil }
    }
}
