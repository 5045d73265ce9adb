#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a signal was not delivered.
public enum SignalError: Error, Sendable, Equatable, CustomStringConvertible {
    case noSuchProcess(pid: Int32)
    /// The PID now belongs to a different process (PID reuse) or the process changed its name.
    case processChanged(expected: ProcessIdentity, found: ProcessIdentity)
    /// EPERM: the process runs as another user and we lack CAP_KILL.
    case permissionDenied(pid: Int32)
    case failed(pid: Int32, SystemError)

    public var description: String {
        switch self {
        case .noSuchProcess(let pid): return "no process with pid \(pid)"
        case .processChanged(let expected, let found):
            return "pid \(expected.pid) is no longer the expected process: expected \(expected), found \(found)"
        case .permissionDenied(let pid): return "not permitted to signal pid \(pid) (EPERM)"
        case .failed(let pid, let error): return "signalling pid \(pid) failed: \(error)"
        }
    }
}

/// Sends SIGHUP to cardano-node. A protocol so the guard and reporter logic can be tested
/// with a recorder; `KillSignaller` is the real one.
public protocol NodeSignaller: Sendable {
    /// Sends SIGHUP to `process` if, right before sending, the PID still belongs to it.
    func sendHangUp(to process: ProcessIdentity) throws
}

/// Delivers signals with kill(2) after re-reading the process's identity.
///
/// Where the kernel offers pidfds (Linux >= 5.3), the check is race free: the pidfd is opened
/// first, the identity is verified through /proc, and the signal goes through the pidfd, which
/// can only ever reach the process it was opened for. Otherwise the re-check and kill(2) leave
/// a window of microseconds, in which the PID would have to be recycled.
public struct KillSignaller: NodeSignaller {
    public let table: ProcessTable

    public init(table: ProcessTable = ProcFileSystemProcessTable()) {
        self.table = table
    }

    public func sendHangUp(to process: ProcessIdentity) throws {
        try send(SIGHUP, to: process)
    }

    public func send(_ signal: Int32, to process: ProcessIdentity) throws {
        let pidfd = PidFD.open(process.pid)
        defer { if pidfd >= 0 { close(pidfd) } }
        if pidfd < 0, errno == ESRCH { throw SignalError.noSuchProcess(pid: process.pid) }
        guard let current = table.process(pid: process.pid), current.isAlive else {
            throw SignalError.noSuchProcess(pid: process.pid)
        }
        guard current.identity == process else {
            throw SignalError.processChanged(expected: process, found: current.identity)
        }
        let result = pidfd >= 0 ? PidFD.sendSignal(pidfd, signal) : kill(process.pid, signal)
        guard result == 0 else {
            switch errno {
            case ESRCH: throw SignalError.noSuchProcess(pid: process.pid)
            case EPERM: throw SignalError.permissionDenied(pid: process.pid)
            default: throw SignalError.failed(pid: process.pid, SystemError("kill", code: errno))
            }
        }
    }
}

/// pidfd_open / pidfd_send_signal, looked up at run time: the Glibc module map does not export
/// <sys/pidfd.h>, and older libcs or seccomp profiles may lack them (then we fall back).
enum PidFD {
    private typealias OpenFunction = @convention(c) (pid_t, UInt32) -> Int32
    private typealias SendFunction = @convention(c) (Int32, Int32, UnsafeMutableRawPointer?, UInt32) -> Int32

    // RTLD_DEFAULT is the null handle on glibc: search the already-loaded libc.
    private static let openFunction: OpenFunction? = dlsym(nil, "pidfd_open")
        .map { unsafeBitCast($0, to: OpenFunction.self) }
    private static let sendFunction: SendFunction? = dlsym(nil, "pidfd_send_signal")
        .map { unsafeBitCast($0, to: SendFunction.self) }

    /// A pidfd, or -1 with errno set (ENOSYS when unavailable).
    static func open(_ pid: Int32) -> Int32 {
        guard let openFunction, sendFunction != nil else {
            errno = ENOSYS
            return -1
        }
        return openFunction(pid, 0)
    }

    static func sendSignal(_ fd: Int32, _ signal: Int32) -> Int32 {
        guard let sendFunction else {
            errno = ENOSYS
            return -1
        }
        return sendFunction(fd, signal, nil, 0)
    }
}
