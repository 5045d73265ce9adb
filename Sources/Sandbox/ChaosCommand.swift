import ArgumentParser
import Foundation

/// `forge-sandbox chaos`: the randomized fault campaign on one region of 3 pods.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Randomized fault campaign: one pool of 3 pods (real forge-reporter, guard and stand-in node each), the API emulator and a forge-aggregator; one random fault per episode.",
        discussion: """
        Faults: \(ChaosFaultKind.allCases.map { "\n  \($0.rawValue): \($0.summary)" }.joined())

        Exit code 0 when no two stand-in nodes ever forged at once (except during a whole-pod freeze, \
        whose overlap after the resume must stay within --freeze-overlap-bound) and every episode \
        ended with one forger within --failover-budget; 1 otherwise. The seed is printed: --seed \
        replays the same sequence of faults.
        """)

    @Option(help: "Number of episodes.")
    var episodes = 200

    @Option(help: "Seed of the fault sequence (default: random, printed).")
    var seed: UInt64?

    @Option(name: .customLong("min-fault-seconds"), help: "Shortest lasting fault (freeze, hang, error burst, latency, decoy).")
    var minFaultSeconds = 1.0

    @Option(name: .customLong("max-fault-seconds"), help: "Longest lasting fault.")
    var maxFaultSeconds = 20.0

    @Option(name: .customLong("failover-budget"), help: "Seconds after a fault ended within which one pod must forge again.")
    var failoverBudget = 30.0

    @Option(name: .customLong("settle-timeout"), help: "Seconds after that within which every process and report must be back.")
    var settleTimeout = 60.0

    @Option(name: .customLong("steady-hold"), help: "Seconds the same forger must last, with every process and report settled, before the next fault.")
    var steadyHold = 3.0

    @Option(name: .customLong("freeze-overlap-bound"), help: "Largest overlap after a frozen pod resumes (its guard must act within a tick).")
    var freezeOverlapBound = 1.0

    @Option(help: "Comma-separated fault types to draw from (default: all).")
    var faults: String?

    @Flag(name: .customLong("keep-logs"), help: "Keep the temp directory with every process's log on exit (always kept on failure).")
    var keepDirectory = false

    func validate() throws {
        guard episodes > 0 else { throw ValidationError("--episodes must be at least 1") }
        guard minFaultSeconds > 0, maxFaultSeconds >= minFaultSeconds, maxFaultSeconds <= 600 else {
            throw ValidationError("need 0 < --min-fault-seconds <= --max-fault-seconds <= 600")
        }
        guard failoverBudget > 0, settleTimeout > 0, freezeOverlapBound >= 0, steadyHold >= 0, steadyHold < settleTimeout else {
            throw ValidationError("--failover-budget, --settle-timeout must be positive, --freeze-overlap-bound and --steady-hold not negative, --steady-hold below --settle-timeout")
        }
        _ = try kinds()
    }

    private func kinds() throws -> [ChaosFaultKind] {
        guard let faults else { return ChaosFaultKind.allCases }
        return try faults.split(separator: ",").map { name in
            guard let kind = ChaosFaultKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown fault '\(name)'; known: \(ChaosFaultKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
    }

    func run() async throws {
        let display = Display()
        let seed = seed ?? UInt64.random(in: 1...UInt64(1) << 48)
        let settings = ChaosSettings(
            episodes: episodes, seed: seed, kinds: try kinds(), durations: minFaultSeconds...maxFaultSeconds,
            failoverBudget: failoverBudget, settleTimeout: settleTimeout, freezeOverlapBound: freezeOverlapBound,
            steadyHold: steadyHold)
        let replay = "forge-sandbox chaos --episodes \(episodes) --seed \(seed)"
            + " --min-fault-seconds \(minFaultSeconds) --max-fault-seconds \(maxFaultSeconds)"
            + (faults.map { " --faults \($0)" } ?? "")
        display.event("forge-sandbox chaos: seed \(seed) (replay: \(replay))")
        let system: SandboxSystem
        do {
            system = try await SandboxSystem.start(regions: [.primary]) { display.event($0) }
        } catch {
            display.print("forge-sandbox chaos: start-up failed: \(error)")
            throw ExitCode(1)
        }
        let signals = ShutdownSignals { signal in
            display.print("\nforge-sandbox chaos: signal \(signal): stopping every process (seed \(seed))")
            await system.shutdown(keepDirectory: true)
            Foundation.exit(128 + signal)
        }
        defer { signals.cancel() }
        display.event("processes' logs: \(system.root)")
        let campaign = ChaosCampaign(system: system, settings: settings) { display.event($0) }
        let started = ContinuousClock.now
        var problems: [String] = []
        do {
            try await campaign.run()
        } catch {
            problems.append("\(error)")
        }
        let elapsed = (ContinuousClock.now - started).seconds
        problems += campaign.problems
        if campaign.results.count < episodes {
            problems.append("the campaign stopped after \(campaign.results.count) of \(episodes) episodes")
        }
        display.print("""

        ==== forge-sandbox chaos: \(campaign.results.count) episodes in \(String(format: "%.0f", elapsed)) s, seed \(seed) ====
        \(ChaosTable.render(campaign.results))

        time to forger: from the fault's start to the start of the forging that ended the episode (0: forging never stopped).
        overlaps: pairs of stand-in nodes whose forging intervals overlapped (transitions files, CLOCK_BOOTTIME).
        replay: \(replay)
        """)
        display.print(problems.isEmpty ? "result: OK" : "result: FAILED")
        for problem in problems { display.print("  - \(problem)") }
        await system.shutdown(keepDirectory: keepDirectory || !problems.isEmpty)
        if !problems.isEmpty {
            display.print("logs kept in \(system.root)")
            throw ExitCode(1)
        }
    }
}
