#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ForgeCore

/// The stand-in's log (stdout, plus STANDIN_LOG_FILE) and its transitions file.
///
/// Plain write(2) calls with O_APPEND: each line is one write, so concurrent readers (the
/// reporter tailing the log, the oracle reading transitions) never see interleaved halves.
final class StandInOutput {
    private let logFD: Int32
    private let transitionsFD: Int32
    private let transitionsPath: String?

    init(logFile: String?, transitionsFile: String?) throws {
        logFD = try logFile.map { try Self.openAppend($0) } ?? -1
        transitionsFD = try transitionsFile.map { try Self.openAppend($0) } ?? -1
        transitionsPath = transitionsFile
    }

    static func openAppend(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StandInFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    /// A log line in the shape of cardano-node's: `[host:namespace:Severity:Thread] [time] text`.
    func log(_ text: String, namespace: String = "cardano.node.startup", severity: String = "Info") {
        let line = "[standin:\(namespace):\(severity):\(getpid())] [\(Self.utcTimestamp())] \(text)\n"
        Self.write(1, line)
        if logFD >= 0 { Self.write(logFD, line) }
    }

    /// Appends `<boottime_ns> <pid> enabled|disabled <cause>` and fsyncs, so the oracle sees it
    /// even if the process is SIGKILLed right after.
    func recordTransition(enabled: Bool, cause: String) {
        guard transitionsFD >= 0 else { return }
        let now = SystemMonotonicClock().now().nanoseconds
        Self.write(transitionsFD, "\(now) \(getpid()) \(enabled ? "enabled" : "disabled") \(cause)\n")
        fsync(transitionsFD)
    }

    /// Writes the metrics port to `path` atomically (temp file, rename), so a test polling for
    /// the file never reads a half-written number.
    func writePortFile(_ path: String, port: UInt16) throws {
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StandInFailure("cannot write \(temp): \(String(cString: strerror(errno)))") }
        Self.write(fd, "\(port)\n")
        close(fd)
        guard rename(temp, path) == 0 else { throw StandInFailure("cannot rename \(temp): \(String(cString: strerror(errno)))") }
    }

    static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    static func utcTimestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var seconds = ts.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
        let base = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let centis = ts.tv_nsec / 10_000_000
        return base + "." + (centis < 10 ? "0" : "") + String(centis) + " UTC"
    }
}

struct StandInFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
