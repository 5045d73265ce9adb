#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The node-to-client socket's state. Only `.accepting` means cardano-node has finished its
/// ledger replay and installed its real SIGHUP handler (ARCHITECTURE.md §3).
public enum SocketProbeResult: Sendable, Equatable, CustomStringConvertible {
    case accepting
    case missing
    case notASocket
    /// The socket file exists but nobody listens (stale file from a dead node).
    case refused
    /// The listen backlog stayed full for the whole timeout.
    case timedOut
    case error(String)

    public var isAccepting: Bool { self == .accepting }

    public var description: String {
        switch self {
        case .accepting: return "accepting"
        case .missing: return "missing"
        case .notASocket: return "not a socket"
        case .refused: return "connection refused"
        case .timedOut: return "connect timed out"
        case .error(let reason): return reason
        }
    }
}

/// Connects to a unix socket and closes the connection at once.
///
/// `probe()` blocks for at most `timeout`: a unix-socket connect only waits when the
/// listener's backlog is full, and SO_SNDTIMEO bounds that wait.
public struct NodeSocketProbe: Sendable {
    public let path: String
    public let timeout: Duration

    public init(path: String, timeout: Duration = .milliseconds(500)) {
        self.path = path
        self.timeout = timeout
    }

    public func probe() -> SocketProbeResult {
        var st = stat()
        if stat(path, &st) != 0 {
            return errno == ENOENT || errno == ENOTDIR ? .missing : .error("\(SystemError("stat", path: path))")
        }
        if (st.st_mode & S_IFMT) != S_IFSOCK { return .notASocket }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { return .error("socket path longer than \(capacity - 1) bytes: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
            raw[path.utf8.count] = 0
        }

        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return .error("\(SystemError("socket"))") }
        defer { close(fd) }
        let nanos = max(timeout.nanoseconds, 1_000_000)
        var limit = timeval(tv_sec: Int(nanos / 1_000_000_000), tv_usec: Int((nanos % 1_000_000_000) / 1000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))

        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result == 0 { return .accepting }
        switch errno {
        case ECONNREFUSED: return .refused
        case ENOENT: return .missing
        case EAGAIN, ETIMEDOUT, EINPROGRESS: return .timedOut
        default: return .error("\(SystemError("connect", path: path))")
        }
    }
}
