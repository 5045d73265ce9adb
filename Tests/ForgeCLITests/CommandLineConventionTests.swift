import ForgeCLI
import Foundation
import Testing
import TestSupport

/// Both binaries, run as processes: same `--version`, same exit codes, same JSON-lines log,
/// `--help` naming each option's environment variable and default.
@Suite(.serialized) struct CommandLineConventionTests {
    struct Run {
        let code: Int32?
        let output: String
    }

    static func run(_ binary: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var env = ["PATH": "/usr/bin:/bin", "HOME": directory.path]
        env.merge(environment) { _, new in new }
        let process = try ChildProcess.launch(
            executable: Binaries.path(binary), arguments: arguments, environment: env,
            outputFile: directory.appendingPathComponent("out").path)
        let code = await process.waitExit(timeout: .seconds(60))
        return Run(code: code, output: process.output)
    }

    @Test("--version prints the same release on both binaries", arguments: ["forge-reporter", "forge-aggregator"])
    func version(_ binary: String) async throws {
        let result = try await Self.run(binary, ["--version"])
        #expect(result.code == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == ForgeVersion.current)
    }

    @Test("a bad LOG_LEVEL is a configuration error (exit 2) naming LOG_LEVEL in both binaries",
          arguments: ["forge-reporter", "forge-aggregator"])
    func badLogLevel(_ binary: String) async throws {
        let env = ["LOG_LEVEL": "verbose", "POD_NAME": "p-0", "NAMESPACE": "ns", "CLUSTER_REGION": "eu"]
        let result = try await Self.run(binary, [], environment: env)
        #expect(result.code == ProcessExit.configurationError, "\(result.output)")
        #expect(result.output.contains("\(binary): configuration error:") && result.output.contains("LOG_LEVEL"))
    }

    @Test("a bad setting value is a configuration error (exit 2) in both binaries")
    func badSetting() async throws {
        let reporter = try await Self.run("forge-reporter", [], environment: ["POD_NAME": "p-0", "LEASE_DURATION": "soon"])
        #expect(reporter.code == ProcessExit.configurationError && reporter.output.contains("LEASE_DURATION"))
        let aggregator = try await Self.run(
            "forge-aggregator", [], environment: ["NAMESPACE": "ns", "CLUSTER_REGION": "eu", "HEARTBEAT_INTERVAL": "soon"])
        #expect(aggregator.code == ProcessExit.configurationError && aggregator.output.contains("--heartbeat-interval"))
        let missing = try await Self.run("forge-aggregator", [], environment: ["NAMESPACE": "ns"])
        #expect(missing.code == ProcessExit.configurationError && missing.output.contains("CLUSTER_REGION"))
    }

    @Test("an unknown flag is a usage error (exit 64) in both binaries", arguments: ["forge-reporter", "forge-aggregator"])
    func unknownFlag(_ binary: String) async throws {
        let result = try await Self.run(binary, ["--no-such-flag"])
        #expect(result.code == ProcessExit.usageError, "\(result.output)")
    }

    @Test("a runtime failure after a valid configuration exits 1 with JSON log lines in both binaries")
    func runtimeError() async throws {
        let missingKubeconfig = "/nonexistent/kubeconfig"
        let reporter = try await Self.run(
            "forge-reporter", ["--kubeconfig", missingKubeconfig],
            environment: ["POD_NAME": "p-0", "METRICS_PORT": "0", "DISABLE_SOCKET_CHECK": "true",
                          "HEALTH_CHECK_ENDPOINT": "http://old/health"])
        let aggregator = try await Self.run(
            "forge-aggregator", ["--kubeconfig", missingKubeconfig, "--metrics-port", "0"],
            environment: ["NAMESPACE": "ns", "CLUSTER_REGION": "eu"])
        for result in [reporter, aggregator] {
            #expect(result.code == ProcessExit.runtimeError, "\(result.output)")
            let jsonLines = result.output.split(separator: "\n").filter { $0.hasPrefix("{") }
            let critical = jsonLines.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
            }.first { $0["level"] == "critical" }
            #expect(critical?["msg"]?.contains("kubeconfig") == true, "\(result.output)")
        }
        // The reporter warns at start for a setting it accepts but ignores (docs/MIGRATION.md).
        #expect(reporter.output.contains(#""level":"warning""#) && reporter.output.contains(#""setting":"HEALTH_CHECK_ENDPOINT""#),
                "\(reporter.output)")
    }

    @Test("--help gives every option its environment variable and default", arguments: [
        ("forge-reporter", ["run", "--help"]), ("forge-reporter", ["guard", "--help"]), ("forge-aggregator", ["--help"]),
    ])
    func help(_ binary: String, _ arguments: [String]) async throws {
        let result = try await Self.run(binary, arguments, environment: ["COLUMNS": "400"])
        #expect(result.code == 0)
        let text = result.output
        // Option blocks start with "  --flag"; their help follows until the next option.
        var blocks: [(String, String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("--"), line.hasPrefix("  ") {
                blocks.append((String(trimmed.prefix { $0 != " " }), String(trimmed)))
            } else if !blocks.isEmpty, line.hasPrefix("   ") {
                blocks[blocks.count - 1].1 += " " + trimmed
            }
        }
        let options = blocks.filter { !["--help", "--version", "-h"].contains($0.0) }
        #expect(options.count >= 20, "\(text)")
        for (flag, help) in options {
            #expect(help.contains("[env: ") && help.contains("default: "), "\(binary) \(flag): \(help)")
        }
    }
}
