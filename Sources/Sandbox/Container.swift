import ForgeCore
import Foundation
import TestSupport

/// One container of a sandbox pod: a real process the sandbox restarts when it exits, as the
/// kubelet does (`restartPolicy: Always`). The restart delay depends on how it ended: killed by
/// a signal -> crash back-off, exited by itself -> short delay.
final class Container: @unchecked Sendable {
    let name: String
    private let executable: String
    private let arguments: [String]
    private let environment: [String: String]
    let outputFile: String
    /// Restart delay after the process exited by itself (not killed by a signal).
    private let exitRestartDelay: Duration

    private struct State {
        var process: ChildProcess?
        var exitedAt: ContinuousClock.Instant?
        var stopped = true
        var starts = 0
        /// Every exit the supervision noticed: pid, exit code, boottime ns when noticed.
        var exits: [(pid: Int32, code: Int32, at: UInt64)] = []
    }
    private let state = Locked(State())

    init(name: String, executable: String, arguments: [String], environment: [String: String], outputFile: String,
         exitRestartDelay: Duration = SandboxSettings.exitRestartDelay) {
        self.name = name
        self.exitRestartDelay = exitRestartDelay
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.outputFile = outputFile
    }

    /// Starts the process now and keeps it running from then on (see `supervise`).
    func start() throws {
        let process = try ChildProcess.launch(
            executable: executable, arguments: arguments, environment: environment, outputFile: outputFile)
        state.withLock {
            $0.process = process
            $0.exitedAt = nil
            $0.stopped = false
            $0.starts += 1
        }
    }

    /// Called about every 100 ms: notices an exit and restarts after the delay.
    func supervise() async {
        let current = state.current
        guard !current.stopped, let process = current.process else { return }
        // Reaps the process if it exited: its exit code (128 + n when killed by signal n).
        guard let code = await process.waitExit(timeout: .zero) else { return }
        let now = ContinuousClock.now
        let due: Bool = state.withLock { s in
            guard !s.stopped, s.process === process else { return false }
            if s.exitedAt == nil { s.exits.append((process.pid, code, SystemMonotonicClock().now().nanoseconds)) }
            let exitedAt = s.exitedAt ?? now
            s.exitedAt = exitedAt
            let delay = code > 128 ? SandboxSettings.crashRestartDelay : exitRestartDelay
            return now - exitedAt >= delay
        }
        if due { try? start() }
    }

    var process: ChildProcess? { state.current.process }
    var isRunning: Bool { state.current.process?.isRunning == true }
    var starts: Int { state.current.starts }
    /// Exits noticed by `supervise` (at most ~20 ms after the fact), oldest first.
    var exits: [(pid: Int32, code: Int32, at: UInt64)] { state.current.exits }

    /// Sends a signal to the running process; returns its pid if there was one.
    @discardableResult
    func signal(_ number: Int32) -> Int32? {
        guard let process = state.current.process, process.isRunning else { return nil }
        return process.signal(number) ? process.pid : nil
    }

    /// Stops supervising (no more restarts); the process itself keeps running.
    func hold() { state.withLock { $0.stopped = true } }

    /// Stops supervising, sends `signal`, waits up to `grace`, then SIGKILLs and reaps.
    func stop(signal number: Int32 = SIGTERM, grace: Duration) async {
        hold()
        guard let process = state.current.process, process.isRunning else { return }
        process.signal(SIGCONT)
        process.signal(number)
        if await process.waitExit(timeout: grace) == nil {
            process.signal(SIGKILL)
            _ = await process.waitExit(timeout: .seconds(5))
        }
    }

    /// Last resort when there is no time to wait: SIGKILL.
    func killNow() {
        hold()
        state.current.process?.signal(SIGKILL)
    }
}
