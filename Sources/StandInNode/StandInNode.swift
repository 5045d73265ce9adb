#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ForgeCore

/// A stand-in for cardano-node's forging behaviour (ARCHITECTURE.md §3), for tests.
///
/// Signals are blocked in every thread and taken synchronously with sigtimedwait/sigwait on
/// the main thread, so the handling code may do anything (no async-signal-safety limits).
final class StandInNode {
    private let arguments: StandInArguments
    private let output: StandInOutput
    private var forging = false
    private let signals: sigset_t
    private let metrics: StandInMetrics

    init(arguments: StandInArguments, output: StandInOutput, signals: sigset_t) {
        self.arguments = arguments
        self.output = output
        self.signals = signals
        metrics = StandInMetrics(slotStart: arguments.slotStart, slotsPerSecond: arguments.slotsPerSecond,
                                 systemStart: arguments.systemStart, startedNonProducing: arguments.startNonProducing)
    }

    /// Start-up checks of the real node: every credential file must exist and decode, and the
    /// VRF key must not be accessible by group or other.
    func checkStartUp() throws {
        for path in arguments.credentialPaths where access(path, F_OK) != 0 {
            throw StandInFailure("Credential file does not exist: \(path)")
        }
        if let vrf = arguments.vrfKey, let problem = CredentialCheck.vrfPermissionProblem(vrf) {
            throw StandInFailure(problem)
        }
        if case .otherError(let reason) = CredentialCheck.read(arguments.credentialPaths) {
            throw StandInFailure("Cannot read credential file \(reason)")
        }
    }

    func run() throws -> Never {
        try checkStartUp()
        output.log("standin cardano-node starting, pid \(getpid()), socket \(arguments.socketPath)")
        if let port = arguments.metricsPort {
            let bound = try metrics.serve(port: port)
            if let file = arguments.metricsPortFile { try output.writePortFile(file, port: bound) }
            output.log("Prometheus metrics on http://127.0.0.1:\(bound)/metrics")
        }
        if arguments.hasCredentials && !arguments.startNonProducing {
            setForging(true, cause: "start")
            metrics.setForging(true, reconfiguration: false)
        }
        replay()
        try SocketListener.start(path: arguments.socketPath)
        output.log("Consensus started; local socket listening at \(arguments.socketPath)", namespace: "cardano.node.startup")
        var signals = self.signals
        while true {
            var received: Int32 = 0
            guard sigwait(&signals, &received) == 0 else { continue }
            if received == SIGHUP { reconfigure() } else { shutDown(received) }
        }
    }

    /// Ledger replay: SIGHUP does not reconfigure forging until it ends, and the socket does
    /// not exist yet.
    private func replay() {
        guard arguments.replayDelay > 0 else { return }
        let clock = SystemMonotonicClock()
        let end = clock.now().advanced(by: .nanoseconds(Int64(arguments.replayDelay * 1e9)))
        var signals = self.signals
        while true {
            let now = clock.now()
            if now >= end { return }
            let left = end.duration(since: now).nanoseconds
            var timeout = timespec(tv_sec: Int(left / 1_000_000_000), tv_nsec: Int(left % 1_000_000_000))
            let received = sigtimedwait(&signals, nil, &timeout)
            if received == SIGHUP {
                output.log("Performing block forging reconfiguration: Changing block forging is not effective until consensus has started.")
            } else if received == SIGTERM || received == SIGINT {
                shutDown(received)
            }
        }
    }

    /// SIGHUP after replay. Like the real node, every attempt is logged, whether or not the
    /// state changes; only actual changes go to the transitions file.
    private func reconfigure() {
        switch CredentialCheck.read(arguments.credentialPaths) {
        case .allReadable where arguments.hasCredentials:
            output.log("Performing block forging reconfiguration: Enabling block forging. To disable it please move/rename/remove the credentials files and then trigger reconfiguration via SIGHUP signal.")
            setForging(true, cause: "sighup")
            metrics.setForging(true, reconfiguration: true)
        case .allReadable, .missing:
            output.log("Performing block forging reconfiguration: Disabling block forging, to enable it please make the credentials files available again and then re-trigger reconfiguration via SIGHUP signal.")
            setForging(false, cause: "sighup")
            metrics.setForging(false, reconfiguration: true)
        case .otherError(let reason):
            output.log("Block forging reconfiguration error: \(reason)\nBlock forging is not reconfigured.", severity: "Error")
        }
        output.log("Performing topology configuration update")
    }

    private func setForging(_ enabled: Bool, cause: String) {
        guard enabled != forging else { return }
        if enabled {
            // Record before "starting" to forge, so the oracle's interval covers the whole period.
            output.recordTransition(enabled: true, cause: cause)
            forging = true
        } else {
            forging = false
            output.recordTransition(enabled: false, cause: cause)
        }
    }

    private func shutDown(_ signal: Int32) -> Never {
        output.log("Shutting down on signal \(signal)")
        setForging(false, cause: "exit")
        unlink(arguments.socketPath)
        exit(0)
    }
}
