import ArgumentParser
import Foundation

/// `forge-reporter [run]` — the sidecar; `forge-reporter guard` — the fence enforcer in the
/// second container of the same pod.
@main
struct ForgeReporterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forge-reporter",
        abstract: "Fenced single-forger coordination for a Cardano block producer pod.",
        version: ReporterMetrics.version,
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
            FileHandle.standardError.write(Data("forge-reporter: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let config: ReporterConfig
        do {
            config = try ReporterConfig.load(settings: options.settings(environment: ProcessInfo.processInfo.environment))
        } catch {
            FileHandle.standardError.write(Data("forge-reporter: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        JSONLogHandler.bootstrap(level: config.logLevel)
        do {
            try await ReporterRuntime(config: config).run()
        } catch {
            FileHandle.standardError.write(Data("forge-reporter: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
