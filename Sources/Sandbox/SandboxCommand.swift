import ArgumentParser
import ForgeCore
import Foundation
import TestSupport

/// `forge-sandbox`: the whole system on one machine, with a scripted failover story.
@main
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forge-sandbox",
        abstract: "Runs cardano-forge-manager on this machine: an API emulator, 2 regions x 3 block producers (stand-in nodes, real forge-reporter and guard), one forge-aggregator per region, and a scripted failover story.",
        discussion: "Exit code 0 when the story ends with one forger and no overlapping forging; 1 if an invariant broke or a step timed out.",
        subcommands: [ChaosCommand.self])

    @Flag(help: "Keep running after the story (or without it) until Ctrl-C, for kubectl.")
    var interactive = false

    @Flag(name: .customLong("no-story"), help: "Skip the scripted story (implies --interactive).")
    var noStory = false

    @Option(name: .customLong("ready-file"), help: "Write a JSON file (kubeconfig, namespaces, ports) once the system is up.")
    var readyFile: String?

    @Flag(name: .customLong("keep-dir"), help: "Keep the temp directory with every process's log on exit.")
    var keepDirectory = false

    func run() async throws {
        let display = Display()
        display.event("forge-sandbox: starting (logs of every process go to a temp directory)")
        let system: SandboxSystem
        do {
            system = try await SandboxSystem.start { display.event($0) }
        } catch {
            display.print("forge-sandbox: start-up failed: \(error)")
            throw ExitCode(1)
        }
        let signals = ShutdownSignals { signal in
            display.stopLive()
            display.print("\nforge-sandbox: signal \(signal): stopping every process")
            await system.shutdown(keepDirectory: keepDirectory)
            display.print("forge-sandbox: stopped")
            Foundation.exit(128 + signal)
        }
        defer { signals.cancel() }
        display.event("processes' logs: \(system.root)")
        let view = Task.detached {
            while !Task.isCancelled {
                display.show(await ClusterView.snapshot(system))
                try? await Task.sleep(for: .seconds(1))
            }
        }
        display.goLive()
        if let readyFile {
            // "Up" means a pod forges: every component has done its part once.
            try? await eventually(timeout: .seconds(60), poll: .milliseconds(200), "one pod forges") {
                (try? system.forgingPods().count) == 1
            }
            try ReadyFile.write(path: readyFile, system: system)
            display.event("ready file written: \(readyFile)")
        }
        var failed = false
        var summary = ""
        if !noStory {
            let story = Story(system: system, display: display)
            await story.run()
            display.stopLive()
            let report = Summary.report(story: story, system: system)
            failed = !report.ok
            summary = report.text
            display.print(ClusterView.render(await ClusterView.snapshot(system)) + summary)
        }
        if interactive || noStory {
            // On a terminal the screen is redrawn: the summary stays in the footer.
            display.setFooter("""

            The system keeps running. Try:
              export KUBECONFIG=\(system.emulator.kubeconfigPath)
              kubectl get cardanoforgeclusters -A
              kubectl get cardanoforgeclusters -A -o wide
              kubectl get cardanoforgeclusters -A -w
              kubectl get cardanoleaders,leases,pods -A
            Ctrl-C stops everything.
            """, kept: summary)
            display.goLive()
            while true { try? await Task.sleep(for: .seconds(3600)) }
        }
        view.cancel()
        display.stopLive()
        display.print("forge-sandbox: stopping every process")
        await system.shutdown(keepDirectory: keepDirectory || failed)
        if failed {
            display.print("forge-sandbox: FAILED (logs kept in \(system.root))")
            throw ExitCode(1)
        }
    }
}
