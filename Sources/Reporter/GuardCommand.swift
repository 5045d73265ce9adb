import ArgumentParser
import ForgeCLI
import ForgeCore
import ForgeNode
import FoundationEssentials
import Logging

/// `forge-reporter guard`: enforces the reporter's fence deadline (ARCHITECTURE.md §4.5) if
/// the reporter hangs or dies — removes the keys and SIGHUPs the node once the deadline in
/// FENCE_FILE has passed. Reads the same environment as the reporter (FENCE_FILE, SOURCE_* and
/// TARGET_*, CARDANO_NODE_PROCESS_NAME, NODE_SOCKET, LOG_LEVEL).
///
/// On SIGTERM it keeps guarding until the fence file says "not forging" (the reporter's own
/// shutdown writes that after disabling the node) or the deadline has been enforced, so a
/// reporter that hangs while stopping is still fenced; the kubelet's SIGKILL ends it otherwise.
struct GuardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard", abstract: "Enforce the reporter's fence deadline.")

    @OptionGroup var options: ReporterOptions

    @Option(name: .customLong("guard-interval"), help: "Seconds between fence checks. [env: GUARD_INTERVAL; default: 0.1]")
    var interval: String?

    @Flag(name: .customLong("probe"),
          help: "Exit 0 if the guard's heartbeat is fresh (within GUARD_STALENESS), 1 otherwise: the guard container's liveness probe. [env: none, a command-line mode; default: off]")
    var probe = false

    func run() async throws {
        // First: the node container must not reach the fence file or the keys through
        // /proc/<guard>/root.
        do { try ProcessIsolation.forbidInspection() } catch {
            StandardError.write("forge-reporter guard: \(error)\n")
            throw ExitCode(1)
        }
        let settings = SettingsReader(values: options.settings(environment: ProcessInfo.processInfo.environment))
        let tick: Duration
        let level: Logger.Level
        do {
            tick = try SettingsReader(values: ["GUARD_INTERVAL": interval ?? settings.string("GUARD_INTERVAL") ?? "0.1"])
                .seconds("GUARD_INTERVAL", default: 0.1)
            let levelName = settings.string("LOG_LEVEL", default: "info")
            guard let parsed = LogLevelSetting.parse(levelName) else {
                throw ConfigError(setting: "LOG_LEVEL", value: levelName, problem: "expected \(LogLevelSetting.accepted)")
            }
            level = parsed
        } catch {
            ProcessExit.reportConfigurationError(program: "forge-reporter guard", "\(error)")
            throw ExitCode(ProcessExit.configurationError)
        }
        JSONLogHandler.bootstrap(level: level)
        let logger = Logger(label: "forge-guard")
        let fenceFile = FenceFile(path: settings.string("FENCE_FILE", default: FenceFile.defaultPath))
        let heartbeat = GuardHeartbeat(path: settings.string(
            "GUARD_HEARTBEAT_FILE", default: GuardHeartbeat.path(besideFenceFile: fenceFile.path)))
        let staleness = (try? settings.seconds("GUARD_STALENESS", default: 5)) ?? .seconds(5)
        if probe {
            let fresh = heartbeat.isFresh(at: SystemMonotonicClock().now(), staleness: staleness)
            print(fresh ? "guard alive" : "guard heartbeat \(heartbeat.path) missing or older than \(staleness)")
            throw ExitCode(fresh ? 0 : 1)
        }
        let loop = GuardLoop(
            fenceFile: fenceFile,
            credentials: CredentialManager(files: CredentialFiles(
                kesKey: .init(source: settings.string("SOURCE_KES_KEY", default: "/secrets/kes.skey"),
                              target: settings.string("TARGET_KES_KEY", default: "/opt/cardano/secrets/kes.skey")),
                vrfKey: .init(source: settings.string("SOURCE_VRF_KEY", default: "/secrets/vrf.skey"),
                              target: settings.string("TARGET_VRF_KEY", default: "/opt/cardano/secrets/vrf.skey")),
                operationalCertificate: .init(
                    source: settings.string("SOURCE_OP_CERT", default: "/secrets/node.cert"),
                    target: settings.string("TARGET_OP_CERT", default: "/opt/cardano/secrets/node.cert")))),
            locator: NodeProcessLocator(
                processName: settings.string("CARDANO_NODE_PROCESS_NAME", default: "cardano-node"),
                socketPath: settings.string("NODE_SOCKET", default: "/ipc/node.socket")),
            interval: tick, heartbeat: heartbeat,
            heartbeatInterval: min(.seconds(1), .nanoseconds(staleness.nanoseconds / 4)), logger: logger)

        let terminated = TerminationSignals()
        let guarding = Task { await loop.run() }
        await terminated.wait()
        logger.notice("termination requested: guarding until the reporter has stopped forging")
        while !Self.nothingLeftToGuard(fenceFile, loop: loop) {
            try? await Task.sleep(for: tick)
        }
        guarding.cancel()
        await guarding.value
        logger.notice("guard stopped")
    }

    /// The reporter declared "not forging", or its deadline passed and the keys are gone
    /// (a dead reporter never writes "not forging" again).
    private static func nothingLeftToGuard(_ file: FenceFile, loop: GuardLoop) -> Bool {
        switch file.read() {
        case .absent: return true
        case .corrupt: return false
        case .record(let record):
            guard let deadline = record.deadline else { return true }
            return loop.clock.now() >= deadline && (try? loop.credentials.anyTargetPresent()) == false
        }
    }
}
