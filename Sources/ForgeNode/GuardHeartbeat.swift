#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ForgeCore

/// The guard's sign of life in the pod's shared emptyDir: one line with the CLOCK_BOOTTIME
/// instant of its last tick. The reporter installs keys only while it is fresh (someone must be
/// there to enforce the fence if the reporter hangs), and the guard's liveness probe reads it.
///
/// Boot time, not the file's mtime: the containers share a kernel, and the wall clock may step.
public struct GuardHeartbeat: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The default: beside the fence file.
    public static func path(besideFenceFile fence: String) -> String {
        PosixFile.directoryName(fence) + "/guard-heartbeat"
    }

    public func beat(at now: MonotonicInstant) throws {
        try CredentialManager.ensureDirectory(PosixFile.directoryName(path))
        try AtomicFileWriter(mode: 0o644, durable: false).write(Array("\(now.nanoseconds)\n".utf8), to: path)
    }

    /// The last beat, or nil when there is none or it does not parse.
    public func lastBeat() -> MonotonicInstant? {
        guard let bytes = try? PosixFile.read(path, limit: 64),
              let value = UInt64(String(decoding: bytes, as: UTF8.self).trimmingWhitespace) else { return nil }
        return MonotonicInstant(nanoseconds: value)
    }

    /// Fresh: a beat within `staleness` of `now` (a beat from the future counts as stale).
    public func isFresh(at now: MonotonicInstant, staleness: Duration) -> Bool {
        guard let last = lastBeat(), last <= now else { return false }
        return now.duration(since: last) <= staleness
    }
}

extension String {
    var trimmingWhitespace: String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}
