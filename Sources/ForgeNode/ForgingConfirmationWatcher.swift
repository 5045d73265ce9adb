#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ForgeCore

/// What a cardano-node log line says about a forging reconfiguration.
public enum ForgingLogEvent: Sendable, Equatable {
    case enabled
    case disabled
    /// SIGHUP arrived before consensus started (ledger replay): nothing changed.
    case notEffective
    /// A credential file could not be read for another reason than absence: nothing changed.
    case error
}

/// Tails cardano-node's log for "Performing block forging reconfiguration" lines, so the
/// reporter can confirm that a SIGHUP took effect (`confirmedBy: "sighup-log"`).
///
/// Usage: take `endOffset()` before signalling, then poll `events(after:)` (or
/// `waitForEvent`) from that offset. Only complete lines are consumed; a file that shrank
/// (rotated or truncated) is read again from the start.
public struct ForgingConfirmationWatcher: Sendable {
    static let prefix = "Performing block forging reconfiguration: "
    static let errorPrefix = "Block forging reconfiguration error"

    public let logPath: String

    public init(logPath: String) {
        self.logPath = logPath
    }

    /// The current end of the log (0 when it does not exist yet).
    public func endOffset() -> UInt64 {
        var st = stat()
        return stat(logPath, &st) == 0 ? UInt64(st.st_size) : 0
    }

    /// Reconfiguration events in complete lines after `offset`, and the offset to continue from.
    public func events(after offset: UInt64) throws -> (events: [ForgingLogEvent], nextOffset: UInt64) {
        let fd = open(logPath, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return ([], 0) }
            throw SystemError("open", path: logPath)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SystemError("fstat", path: logPath) }
        let size = UInt64(st.st_size)
        var start = offset > size ? 0 : offset
        var events: [ForgingLogEvent] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var pending: [UInt8] = []
        while start + UInt64(pending.count) < size {
            let n = buffer.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress, $0.count, off_t(start + UInt64(pending.count)))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("read", path: logPath)
            }
            if n == 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                if let event = Self.classify(String(decoding: pending[..<newline], as: UTF8.self)) {
                    events.append(event)
                }
                pending.removeSubrange(...newline)
                start += UInt64(newline + 1)
            }
        }
        return (events, start)
    }

    /// Polls every `poll` until a line with `expected` appears after `offset`, or `timeout`
    /// passes. Returns whether it appeared.
    public func waitForEvent(_ expected: ForgingLogEvent, after offset: UInt64, timeout: Duration,
                             poll: Duration = .milliseconds(100)) async -> Bool {
        let clock = SystemMonotonicClock()
        let deadline = clock.now().advanced(by: timeout)
        var cursor = offset
        while true {
            if let (events, next) = try? events(after: cursor) {
                if events.contains(expected) { return true }
                cursor = next
            }
            if clock.now() >= deadline || Task.isCancelled { return false }
            try? await Task.sleep(for: poll)
        }
    }

    /// Classifies one log line. The node's full sentences continue after these words
    /// ("Enabling block forging. To disable it ..."), so match by prefix after the marker.
    public static func classify(_ line: String) -> ForgingLogEvent? {
        if line.contains(errorPrefix) { return .error }
        guard let range = line.firstRange(of: prefix) else { return nil }
        let rest = line[range.upperBound...]
        if rest.hasPrefix("Enabling block forging") { return .enabled }
        if rest.hasPrefix("Disabling block forging") { return .disabled }
        if rest.hasPrefix("Changing block forging is not effective") { return .notEffective }
        return nil
    }
}
