import ForgeCore
import Foundation
import TestSupport

/// What an injected fault did: when it started and ended (boottime ns, the stand-ins' clock),
/// which pod or process it hit.
struct ChaosInjection: Sendable {
    var start: UInt64
    var end: UInt64
    var target: String
}

/// Performs one `ChaosPlan` on a running system and returns once the fault is over (a lasting
/// fault is undone: processes resumed, fault rules cleared). Sleeping for the duration of the
/// fault is the fault itself, not synchronisation.
enum ChaosFaults {
    /// The decoy lives at least this long: longer than LEASE_DURATION (6 s) plus a retry, so
    /// a standby takes the Lease while the decoy lives.
    static let decoyMinimumSeconds = 8.0

    static func inject(_ plan: ChaosPlan, system: SandboxSystem) async throws -> ChaosInjection {
        let emulator = system.emulator
        let now = { SandboxSystem.now }
        switch plan.kind {
        case .crashPod:
            let pod = try forger(system)
            let at = await kill(pod, [pod.reporter, pod.guardian, pod.node])
            return ChaosInjection(start: at, end: at, target: pod.name)

        case .crashStandby:
            let forging = try forger(system)
            let standbys = system.pods.filter { $0 !== forging }
            let pod = standbys[min(standbys.count - 1, Int(plan.variant * Double(standbys.count)))]
            let at = await kill(pod, [pod.reporter, pod.guardian, pod.node])
            return ChaosInjection(start: at, end: at, target: pod.name)

        case .crashNode:
            let pod = try forger(system)
            let at = await kill(pod, [pod.node])
            return ChaosInjection(start: at, end: at, target: pod.name)

        case .crashReporter:
            // The kubelet would restart it after its back-off; restarting sooner is the case
            // where the old fence record and the installed keys are still there.
            let pod = try forger(system)
            let start = await kill(pod, [pod.reporter])
            try await Task.sleep(for: .seconds(plan.reporterRestartDelay))
            try pod.reporter.start()
            return ChaosInjection(start: start, end: now(), target: pod.name)

        case .sigtermPod:
            let pod = try forger(system)
            let start = now()
            try await terminate(pod)
            return ChaosInjection(start: start, end: now(), target: pod.name)

        case .freezeReporter:
            let pod = try forger(system)
            return try await freeze([pod.reporter], for: plan.seconds, target: pod.name)

        case .freezePod:
            let pod = try forger(system)
            return try await freeze([pod.node, pod.reporter, pod.guardian], for: plan.seconds, target: pod.name)

        case .freezeAggregator:
            return try await freeze(system.aggregators.map(\.container), for: plan.seconds, target: "forge-aggregator")

        case .killAggregator:
            let at = now()
            let processes = system.aggregators.compactMap { $0.container.process }
            for aggregator in system.aggregators { aggregator.container.signal(SIGKILL) }
            for process in processes { _ = await process.waitExit(timeout: .seconds(5)) }
            return ChaosInjection(start: at, end: at, target: "forge-aggregator")

        case .hangAPI:
            return try await withRules([FaultRule(hang: true)], for: plan.seconds, emulator: emulator)

        case .latency:
            return try await withRules([FaultRule(delaySeconds: plan.latency)], for: plan.seconds, emulator: emulator)

        case .leaseWriteErrors:
            let pod = plan.onlyForger ? try forger(system) : nil
            var injection = try await withRules(leaseWriteFailures(status: plan.leaseErrorStatus, holder: pod?.name),
                                                for: plan.seconds, emulator: emulator)
            injection.target = pod?.name ?? "every Lease writer"
            return injection

        case .watchCut:
            let start = now()
            let end = ContinuousClock.now + .milliseconds(Int(plan.seconds * 1000))
            var rng = SplitMix64(seed: UInt64(plan.variant * 1e9))
            repeat {
                try await emulator.compactHistory()
                try await emulator.cutWatches()
                try await Task.sleep(for: .milliseconds(500 + Int(rng.next() % 1500)))
            } while ContinuousClock.now < end
            return ChaosInjection(start: start, end: now(), target: "watches")

        case .decoyNode:
            let pod = try forger(system)
            let start = now()
            let decoy = try launchDecoy(for: pod)
            defer {
                // SIGKILL: the stand-in unlinks its socket path on a clean exit, which is the
                // real node's socket.
                decoy.signal(SIGKILL)
            }
            // Only the forger's renewals fail: it loses the Lease and a standby wins it.
            _ = try await withRules(leaseWriteFailures(status: 503, holder: pod.name), for: plan.decoySeconds, emulator: emulator)
            decoy.signal(SIGKILL)
            _ = await decoy.waitExit(timeout: .seconds(5))
            return ChaosInjection(start: start, end: now(), target: pod.name)
        }
    }

    /// The pod whose node forges now (the episode starts only when there is exactly one).
    private static func forger(_ system: SandboxSystem) throws -> SandboxPod {
        let forging = try system.forgingPods()
        guard forging.count == 1 else { throw SandboxError("expected one forging pod, found \(forging.map(\.name))") }
        return forging[0]
    }

    /// SIGKILLs and waits until the processes are gone, so "running" afterwards means restarted.
    private static func kill(_ pod: SandboxPod, _ containers: [Container]) async -> UInt64 {
        let processes = containers.compactMap(\.process)
        let at = pod.kill(containers)
        for process in processes { _ = await process.waitExit(timeout: .seconds(5)) }
        return at
    }

    private static func freeze(_ containers: [Container], for seconds: Double, target: String) async throws -> ChaosInjection {
        let start = SandboxSystem.now
        for container in containers { container.signal(SIGSTOP) }
        defer { for container in containers { container.signal(SIGCONT) } }
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        // All at once, as the cgroup freezer thaws a pod.
        for container in containers { container.signal(SIGCONT) }
        return ChaosInjection(start: start, end: SandboxSystem.now, target: target)
    }

    private static func withRules(_ rules: [FaultRule], for seconds: Double, emulator: Emulator) async throws -> ChaosInjection {
        let start = SandboxSystem.now
        for rule in rules { try await emulator.addFault(rule) }
        do {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        } catch {
            try? await emulator.clearFaults()
            throw error
        }
        try await emulator.clearFaults()
        return ChaosInjection(start: start, end: SandboxSystem.now, target: "API server")
    }

    /// Rules failing Lease writes; with `holder`, only the writes naming it as holderIdentity
    /// (its renewals), so the others can still take the Lease.
    private static func leaseWriteFailures(status: Int, holder: String? = nil) -> [FaultRule] {
        ["POST", "PUT", "PATCH"].map {
            FaultRule(method: $0, pathRegex: "/leases", bodyRegex: holder.map { "\"holderIdentity\" *: *\"\($0)" },
                      status: status, retryAfter: status == 429 ? 1 : nil)
        }
    }

    /// As the kubelet stops a pod with native sidecars: SIGTERM the main container (the node),
    /// then the sidecars once it exited; SIGKILL whatever outlives the grace period; then the
    /// pod's containers start again (same volumes).
    private static func terminate(_ pod: SandboxPod) async throws {
        for container in pod.containers { container.hold() }
        if let node = pod.node.process {
            await pod.node.stop(grace: .seconds(5))
            // Killed after the grace period: it logged no "disabled"; its death ends forging.
            if await node.waitExit(timeout: .zero) == 128 + SIGKILL { pod.recordDeath(pid: node.pid, at: SandboxSystem.now) }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await pod.reporter.stop(grace: .seconds(15)) }
            group.addTask { await pod.guardian.stop(grace: .seconds(15)) }
        }
        try pod.reporter.start()
        try pod.guardian.start()
        try pod.node.start()
    }

    /// A process that looks like the pod's node to a process-table lookup: the same executable
    /// name and the same `--socket-path`. It is the stand-in itself, replaying "forever" so it
    /// never binds the socket, without key arguments or a transitions file (it cannot forge).
    private static func launchDecoy(for pod: SandboxPod) throws -> ChildProcess {
        try ChildProcess.launch(
            executable: pod.nodeBinary,
            arguments: ["run", "--socket-path", pod.socketPath, "--database-path", pod.directory + "/db-decoy"],
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                          "STANDIN_REPLAY_DELAY": "3600"],
            outputFile: pod.directory + "/decoy.out")
    }
}
