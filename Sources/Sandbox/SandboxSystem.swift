import ForgeCore
import ForgeNode
import Foundation
import KubeClient
import TestSupport

/// Everything the sandbox runs: the API emulator, the health endpoint, 2 x 3 pods of real
/// processes and one forge-aggregator per region. Owns every child process and the temp dir.
final class SandboxSystem: @unchecked Sendable {
    let emulator: Emulator
    let client: KubernetesClient
    let root: String
    let health: HealthEndpoint
    /// The regions this system runs: both for the demo, one for the fault campaign.
    let regions: [RegionSpec]
    private(set) var pods: [SandboxPod] = []
    /// The pool's credentials, in every pod's Secret (generated at start).
    private(set) var credentials: CredentialFixture?
    private(set) var aggregators: [(region: RegionSpec, port: Int, container: Container)] = []
    private var supervision: Task<Void, Never>?
    private let stopped = Locked(false)

    private init(emulator: Emulator, root: String, health: HealthEndpoint, regions: [RegionSpec]) throws {
        self.emulator = emulator
        self.regions = regions
        self.root = root
        self.health = health
        client = try emulator.client(options: KubeClientOptions(qps: 50, burst: 100, userAgent: "forge-sandbox"))
    }

    /// Starts the whole system (every region of `regions`), printing each step.
    static func start(regions: [RegionSpec] = RegionSpec.all, progress: (String) -> Void) async throws -> SandboxSystem {
        for product in ["forge-reporter", "forge-aggregator", "cardano-node-standin"] {
            guard FileManager.default.isExecutableFile(atPath: Binaries.path(product)) else {
                throw SandboxError("\(Binaries.path(product)) is missing: run `swift build` first")
            }
        }
        progress("starting the Kubernetes API emulator (emulator/kube_api_emulator.py)")
        let emulator = try await Emulator.start()
        let root = NSTemporaryDirectory() + "forge-sandbox-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let health = try HealthEndpoint()
        try await health.start()
        let system = try SandboxSystem(emulator: emulator, root: root, health: health, regions: regions)
        do {
            try await system.startComponents(progress: progress)
        } catch {
            await system.shutdown()
            throw error
        }
        return system
    }

    private func startComponents(progress: (String) -> Void) async throws {
        progress("API emulator ready on https://127.0.0.1:\(emulator.port); installing the CRDs")
        try await emulator.installCRDs()
        progress("health endpoint of us-east-1: \(health.url)")
        for region in regions {
            progress("creating namespace \(region.namespace): CardanoForgeCluster \(region.clusterName) (priority \(region.priority)), CardanoLeader \(SandboxSettings.leaseName), pods \(region.podNames.joined(separator: ", "))")
            try await SandboxObjects.create(region, healthEndpoint: region.priority == 1 ? health.url : nil, client: client)
        }
        let timing = SandboxSettings.reporterTiming.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
        progress("reporter timings: \(timing)")
        progress("aggregator flags: \(SandboxSettings.aggregatorTiming.joined(separator: " "))")
        // One pool, one set of credentials, in every region's Secret (as after a correct rotation),
        // and mainnet's KES parameters: a certificate for period 0 at slot 0 has 93 days left.
        let credentials = try CredentialFixture.generate()
        self.credentials = credentials
        let genesis = root + "/shelley-genesis.json"
        try CredentialFixture.genesis(slotsPerKESPeriod: 129_600, maxKESEvolutions: 62).write(toFile: genesis, atomically: true, encoding: .utf8)
        for region in regions {
            for name in region.podNames {
                let pod = try SandboxPod(name: name, region: region, root: root, kubeconfig: emulator.kubeconfigPath,
                                         metricsPort: try FreePort.pick(), credentials: credentials,
                                         genesisFile: genesis, nodeMetricsPort: try FreePort.pick())
                try pod.start()
                pods.append(pod)
                progress("started pod \(name): cardano-node (stand-in), forge-reporter (:\(pod.metricsPort)), forge-guard")
            }
        }
        for region in regions {
            // Every other region is a peer; a single region runs without peers.
            let peers = regions.filter { $0.name != region.name }.flatMap {
                ["--peer-kubeconfig", emulator.kubeconfigPath, "--peer-namespace", $0.namespace]
            }
            let port = try FreePort.pick()
            let container = Container(
                name: "forge-aggregator-\(region.name)", executable: Binaries.path("forge-aggregator"),
                arguments: ["--namespace", region.namespace, "--region", region.name, "--pod-name", "aggregator-\(region.name)",
                            "--kubeconfig", emulator.kubeconfigPath] + peers +
                           ["--metrics-host", "127.0.0.1", "--metrics-port", String(port),
                            "--log-level", "info"] + SandboxSettings.aggregatorTiming,
                environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                outputFile: root + "/aggregator-\(region.name).log")
            try container.start()
            aggregators.append((region, port, container))
            progress("started forge-aggregator for \(region.name) (:\(port))" + (peers.isEmpty ? ", no peer region" : ", peer namespace \(peers.last!)"))
        }
        supervision = Task.detached { [aggregators] in
            while !Task.isCancelled {
                for aggregator in aggregators { await aggregator.container.supervise() }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    func pods(in region: RegionSpec) -> [SandboxPod] { pods.filter { $0.region.name == region.name } }
    func pod(named name: String) -> SandboxPod? { pods.first { $0.name == name } }

    /// The forging oracle over every stand-in's transitions file.
    func timeline() throws -> ForgingTimeline {
        var timeline = ForgingTimeline()
        for pod in pods { try pod.addTransitions(to: &timeline) }
        return timeline
    }

    static var now: UInt64 { SystemMonotonicClock().now().nanoseconds }

    /// Pods whose node forges now, by the oracle.
    func forgingPods() throws -> [SandboxPod] {
        let open = try timeline().intervals(openUntil: Self.now).filter(\.open)
        return pods.filter { pod in
            open.contains { $0.source == pod.transitionsFile && !pod.deadNodePIDs.contains($0.pid) }
        }
    }

    /// The first `enabled` transition after `time` of a pod matching `filter`.
    func firstEnable(after time: UInt64, where filter: (SandboxPod) -> Bool) throws -> (pod: SandboxPod, at: UInt64)? {
        let timeline = try timeline()
        return timeline.transitions
            .filter { $0.enabled && $0.time > time }
            .sorted { $0.time < $1.time }
            .lazy
            .compactMap { t in self.pods.first { $0.transitionsFile == t.source }.map { (pod: $0, at: t.time) } }
            .first { filter($0.pod) }
    }

    /// Stops everything: reporters first with SIGTERM (they hand off and remove their keys),
    /// then guards, nodes and aggregators; then the emulator and the temp directory.
    func shutdown(keepDirectory: Bool = false) async {
        guard !stopped.withLock({ s -> Bool in defer { s = true }; return s }) else { return }
        supervision?.cancel()
        for pod in pods { pod.stopSupervision() }
        for aggregator in aggregators { aggregator.container.hold() }
        await withTaskGroup(of: Void.self) { group in
            for pod in pods { group.addTask { await pod.reporter.stop(grace: .seconds(5)) } }
        }
        await withTaskGroup(of: Void.self) { group in
            for pod in pods {
                group.addTask { await pod.guardian.stop(grace: .seconds(2)) }
                group.addTask { await pod.node.stop(grace: .seconds(2)) }
            }
            for aggregator in aggregators { group.addTask { await aggregator.container.stop(grace: .seconds(3)) } }
        }
        health.stop()
        emulator.stop()
        if !keepDirectory { try? FileManager.default.removeItem(atPath: root) }
    }

    /// From a signal handler context that must not wait: SIGKILL every child.
    func killAllNow() {
        for pod in pods { pod.containers.forEach { $0.killNow() } }
        for aggregator in aggregators { aggregator.container.killNow() }
        emulator.process.signal(SIGKILL)
    }
}
