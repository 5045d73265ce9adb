import Foundation
import ForgeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors starting a child process.
public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String
}

/// A real child process started with posix_spawn, stdout and stderr appended to a file.
/// Killed (SIGKILL) and reaped on deinit so a failing test leaves nothing behind.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    public let outputFile: String
    /// Exit code once reaped: the exit status, or 128 + signal number when killed by a signal.
    private let exitCode = Locked<Int32?>(nil)

    private init(pid: pid_t, outputFile: String) {
        self.pid = pid
        self.outputFile = outputFile
    }

    /// Starts `executable` (searched in PATH when it has no "/") with `arguments`.
    /// `environment` nil inherits this process's environment.
    public static func launch(
        executable: String, arguments: [String] = [], environment: [String: String]? = nil,
        outputFile: String
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        // The child must not inherit blocked or ignored signals from the test runner, or
        // signal tests would silently test nothing.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let env = environment ?? ProcessInfo.processInfo.environment
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result: Int32
        if executable.contains("/") {
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        } else {
            result = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        }
        guard result == 0 else {
            throw ChildProcessError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid, outputFile: outputFile)
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = reap(blocking: true)
        }
    }

    /// Sends `signal` (e.g. SIGTERM, SIGSTOP) to the process.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        guard exitCode.current == nil else { return false }
        return kill(pid, signal) == 0
    }

    public var isRunning: Bool { reap(blocking: false) == nil }

    /// Waits up to `timeout` for the process to exit; its exit code, or nil if still running.
    public func waitExit(timeout: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let code = reap(blocking: false) { return code }
            if clock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Everything the process wrote so far.
    public var output: String {
        (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
    }

    private func reap(blocking: Bool) -> Int32? {
        exitCode.withLock { code in
            if let code { return code }
            var status: Int32 = 0
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            guard result == pid else { return nil }
            // WIFEXITED/WEXITSTATUS are C macros Swift cannot import.
            let signalNumber = status & 0x7f
            code = signalNumber == 0 ? (status >> 8) & 0xff : 128 + signalNumber
            return code
        }
    }
}
