import ArgumentParser
import ForgeCLI
import FoundationEssentials
import Logging

/// `forge-reporter [run]` — the sidecar; `forge-reporter guard` — the fence enforcer in the
/// second container of the same pod. Exit codes and log format: `ProcessExit`, `JSONLogHandler`
/// (shared with forge-aggregator).
@main
struct ForgeReporterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forge-reporter",
        abstract: "Fenced single-forger coordination for a Cardano block producer pod.",
        discussion: """
            Every option is also an environment variable (shown with each option); a flag wins \
            over its variable, an empty variable counts as unset. Logs are JSON lines on stderr. \
            Exit codes: 0 clean stop, 1 runtime error, 2 configuration error, 64 command-line \
            usage error.
            """,
        version: ForgeVersion.current,
        subcommands: [RunCommand.self, GuardCommand.self],
        defaultSubcommand: RunCommand.self)
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Elect, install or remove the forging keys, report (configured by environment; flags win).")

    @OptionGroup var options: ReporterOptions

    func run() async throws {
        // First, before the API token or any key is read: no /proc/<pid>/root for the node.
        do { try ProcessIsolation.forbidInspection() } catch {
            ProcessExit.writeError("forge-reporter: \(error)")
            throw ExitCode(ProcessExit.runtimeError)
        }
        let settings = options.settings(environment: ProcessInfo.processInfo.environment)
        let config: ReporterConfig
        do {
            config = try ReporterConfig.load(settings: settings)
        } catch {
            ProcessExit.reportConfigurationError(program: "forge-reporter", "\(error)")
            throw ExitCode(ProcessExit.configurationError)
        }
        JSONLogHandler.bootstrap(level: config.logLevel)
        let logger = Logger(label: "forge-reporter")
        for ignored in IgnoredSetting.present(in: settings) {
            logger.warning("\(ignored.name) is set but ignored: \(ignored.why)",
                           metadata: ["setting": "\(ignored.name)", "value": "\(ignored.value)"])
        }
        do {
            try await ReporterRuntime(config: config).run()
        } catch {
            logger.critical("stopped by a runtime error: \(error)")
            ProcessExit.writeError("forge-reporter: \(error)")
            throw ExitCode(ProcessExit.runtimeError)
        }
    }
}
