#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ForgeCore

/// A handle on exactly one process, taken when the forging keys are installed for it: signals
/// sent through it reach that process or nobody, whatever else appears in the process table
/// later (a decoy with the same name and socket argument, a recycled PID).
///
/// On Linux ≥ 5.3 it holds a pidfd; elsewhere it falls back to identity-checked kill(2) (a
/// window of microseconds in which the PID would have to be recycled).
public final class ProcessHandle: Sendable {
    public let identity: ProcessIdentity
    private let descriptor: Locked<Int32>
    private let table: ProcessTable

    /// Opens a handle on `identity`, verifying (after opening) that the PID still belongs to it.
    public init(_ identity: ProcessIdentity, table: ProcessTable = ProcFileSystemProcessTable()) throws {
        let fd = PidFD.open(identity.pid)
        if fd < 0, errno == ESRCH { throw SignalError.noSuchProcess(pid: identity.pid) }
        guard let current = table.process(pid: identity.pid), current.isAlive else {
            if fd >= 0 { close(fd) }
            throw SignalError.noSuchProcess(pid: identity.pid)
        }
        guard current.startTime == identity.startTime else {
            if fd >= 0 { close(fd) }
            throw SignalError.processChanged(expected: identity, found: current.identity)
        }
        self.identity = identity
        self.descriptor = Locked(fd)
        self.table = table
    }

    deinit {
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    /// Whether the process still exists and is not a zombie.
    public var isAlive: Bool {
        guard let entry = table.process(pid: identity.pid) else { return false }
        return entry.startTime == identity.startTime && entry.isAlive
    }

    /// Sends `signal` to this process only. Throws `noSuchProcess` once it has exited.
    public func send(_ signal: Int32) throws {
        try descriptor.withLock { fd in
            guard isAlive else { throw SignalError.noSuchProcess(pid: identity.pid) }
            if fd >= 0 {
                guard PidFD.sendSignal(fd, signal) == 0 else { throw Self.error(errno, identity.pid) }
            } else {
                try KillSignaller(table: table).send(signal, to: identity)
            }
        }
    }

    static func error(_ code: Int32, _ pid: Int32) -> SignalError {
        switch code {
        case ESRCH: return .noSuchProcess(pid: pid)
        case EPERM: return .permissionDenied(pid: pid)
        default: return .failed(pid: pid, SystemError("pidfd_send_signal", code: code))
        }
    }
}
