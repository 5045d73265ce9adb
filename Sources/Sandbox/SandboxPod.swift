import ForgeCore
import ForgeNode
import Foundation
import TestSupport

/// One block-producer pod made of real processes sharing a directory as the pod's volumes
/// share them: a stand-in cardano-node, `forge-reporter` and `forge-reporter guard`.
///
/// All sandbox pods share this host's /proc (a real pod has its own process namespace), so each
/// pod's node runs under its own name, `cardano-node-<region>-<n>` through a symlink, and its
/// reporter and guard get that name in CARDANO_NODE_PROCESS_NAME.
final class SandboxPod: @unchecked Sendable {
    let name: String
    let region: RegionSpec
    let directory: String
    let metricsPort: Int
    let node: Container
    let reporter: Container
    let guardian: Container
    private let deaths = Locked<[(pid: Int32, at: UInt64)]>([])
    private var supervision: Task<Void, Never>?

    /// The Secret volume's directory (kes.skey, vrf.skey, node.cert).
    var secretsDirectory: String { directory + "/secrets" }

    init(name: String, region: RegionSpec, root: String, kubeconfig: String, metricsPort: Int,
         credentials: CredentialFixture, genesisFile: String, nodeMetricsPort: Int) throws {
        self.name = name
        self.region = region
        self.metricsPort = metricsPort
        let directory = root + "/" + name
        self.directory = directory
        let fm = FileManager.default
        for sub in ["secrets", "keys", "run", "bin", "db"] {
            try fm.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
        }
        // Key material shaped like cardano-cli's (random keys, a hand-built certificate): the
        // reporter inspects it on every pod, copies it on the leader; the stand-in only checks
        // it is there.
        try credentials.writeSecret(to: directory + "/secrets", counter: 1, kesPeriod: 0)
        for file in ["kes.skey", "vrf.skey", "node.cert"] { chmod(directory + "/secrets/" + file, 0o600) }
        let suffix = name.replacingOccurrences(of: "bp-", with: "")
        let processName = "cardano-node-\(suffix)"
        let nodeBinary = directory + "/bin/" + processName
        try fm.createSymbolicLink(atPath: nodeBinary, withDestinationPath: Binaries.path("cardano-node-standin"))

        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let socket = directory + "/node.socket"
        let keys = ["kes.skey", "vrf.skey", "node.cert"].map { "\(directory)/keys/\($0)" }
        // The node exits at once while its key files are missing, and the reporter provisions
        // them only once it has seen a node process started non-producing; so, like the
        // integration tests' harness, the node is restarted within 50 ms until it stays up.
        node = Container(
            name: "\(name)/cardano-node", executable: nodeBinary,
            arguments: ["run", "--socket-path", socket, "--shelley-kes-key", keys[0], "--shelley-vrf-key", keys[1],
                        "--shelley-operational-certificate", keys[2], "--start-as-non-producing-node",
                        "--database-path", directory + "/db"],
            environment: ["PATH": path, "STANDIN_TRANSITIONS_FILE": directory + "/transitions",
                          "STANDIN_LOG_FILE": directory + "/node.log", "STANDIN_REPLAY_DELAY": "1",
                          // Its Prometheus endpoint, with the slot advancing in real time from 0.
                          "STANDIN_METRICS_PORT": String(nodeMetricsPort)],
            outputFile: directory + "/node.out", exitRestartDelay: .milliseconds(50))
        // The environment the chart's _env.tpl gives the reporter and the guard.
        var env = Dictionary(uniqueKeysWithValues: SandboxSettings.reporterTiming)
        env.merge([
            "PATH": path, "KUBECONFIG": kubeconfig, "NAMESPACE": region.namespace, "POD_NAME": name,
            "NODE_NAME": "sandbox-\(region.name)",
            "CARDANO_NETWORK": SandboxSettings.network, "NETWORK_MAGIC": String(SandboxSettings.networkMagic),
            "POOL_ID": SandboxSettings.poolId, "POOL_TICKER": SandboxSettings.poolTicker,
            // The demo's pool id names a real pool whose cold key we do not have: the
            // certificate check compares with the generated cold key's pool instead.
            "POOL_ID_HEX": credentials.poolIdHex,
            "ENABLE_CLUSTER_MANAGEMENT": "true", "CLUSTER_REGION": region.name,
            "CLUSTER_PRIORITY": String(region.priority), "CLUSTER_ENVIRONMENT": "sandbox",
            "NODE_SOCKET": socket, "CARDANO_NODE_PROCESS_NAME": processName, "NODE_LOG_FILE": directory + "/node.log",
            "FENCE_FILE": directory + "/run/fence", "METRICS_PORT": String(metricsPort), "LOG_LEVEL": "info",
            "SOURCE_KES_KEY": directory + "/secrets/kes.skey", "SOURCE_VRF_KEY": directory + "/secrets/vrf.skey",
            "SOURCE_OP_CERT": directory + "/secrets/node.cert",
            "TARGET_KES_KEY": keys[0], "TARGET_VRF_KEY": keys[1], "TARGET_OP_CERT": keys[2],
            "SHELLEY_GENESIS_FILE": genesisFile, "NODE_METRICS_URL": "http://127.0.0.1:\(nodeMetricsPort)/metrics",
        ]) { $1 }
        reporter = Container(name: "\(name)/forge-reporter", executable: Binaries.path("forge-reporter"),
                             arguments: [], environment: env, outputFile: directory + "/reporter.log")
        var guardEnv = env
        guardEnv["METRICS_PORT"] = "0"
        guardian = Container(name: "\(name)/forge-guard", executable: Binaries.path("forge-reporter"),
                             arguments: ["guard"], environment: guardEnv, outputFile: directory + "/guard.log")
    }

    var transitionsFile: String { directory + "/transitions" }
    var containers: [Container] { [reporter, guardian, node] }
    var nodeBinary: String { directory + "/bin/cardano-node-" + name.replacingOccurrences(of: "bp-", with: "") }
    var socketPath: String { directory + "/node.socket" }

    /// Starts the containers (sidecars first, as native sidecars start) and the kubelet loop.
    func start() throws {
        try reporter.start()
        try guardian.start()
        try node.start()
        supervision = Task.detached { [containers] in
            while !Task.isCancelled {
                for container in containers { await container.supervise() }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// SIGKILLs the given containers; the node's death time ends its forging interval in the
    /// oracle (a killed process writes no `disabled` line). Returns the kill instant (boottime ns).
    @discardableResult
    func kill(_ victims: [Container]) -> UInt64 {
        let at = SystemMonotonicClock().now().nanoseconds
        for victim in victims {
            if let pid = victim.signal(SIGKILL), victim === node {
                deaths.withLock { $0.append((pid, at)) }
            }
        }
        return at
    }

    /// A node process the sandbox saw die outside `kill` (e.g. SIGKILLed after a stop's grace).
    func recordDeath(pid: Int32, at time: UInt64) {
        deaths.withLock { $0.append((pid, time)) }
    }

    /// Stops restarting; the caller then stops the processes in order.
    func stopSupervision() {
        supervision?.cancel()
        for container in containers { container.hold() }
    }

    /// Adds this pod's node transitions (and SIGKILLed nodes' deaths) to the oracle.
    func addTransitions(to timeline: inout ForgingTimeline) throws {
        try timeline.add(transitionsFile: transitionsFile)
        // A node that died by any other cause (e.g. SIGKILLed by its reporter) ends its
        // interval when the supervision noticed the exit; a recorded kill is more exact.
        let killed = killedNodePIDs
        for exit in node.exits where !killed.contains(exit.pid) { timeline.recordDeath(pid: exit.pid, at: exit.at) }
        for death in deaths.current { timeline.recordDeath(pid: death.pid, at: death.at) }
    }

    var killedNodePIDs: Set<Int32> { Set(deaths.current.map(\.pid)) }

    /// Node processes known to be dead: killed by the sandbox or seen exiting.
    var deadNodePIDs: Set<Int32> { killedNodePIDs.union(node.exits.map(\.pid)) }
}
