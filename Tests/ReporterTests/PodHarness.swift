import ForgeCore
import ForgeNode
import Foundation
import KubeClient
import TestSupport

/// One block-producer pod made of real processes: a stand-in cardano-node restarted like the
/// kubelet restarts a container, `forge-reporter` and `forge-reporter guard`, sharing a
/// temp directory (socket, secrets, keys, fence file, node log) as the pod's volumes share
/// them. The Pod object exists in the emulator first, so the reporter can annotate itself.
///
/// By default each pod's node runs under its own process name (`CARDANO_NODE_PROCESS_NAME`);
/// with `sharedNodeName` every pod's node is called the same (`cardano-node`), as on a host
/// where several nodes share one PID namespace (systemd, compose, `hostPID`) and only their
/// `--socket-path` tells them apart.
final class PodHarness: @unchecked Sendable {
    let name: String
    let directory: String
    let namespace: String
    let emulator: Emulator
    let nodeProcessName: String
    /// STANDIN_REPLAY_DELAY: how long a (re)started node replays before its socket appears.
    var replayDelay = 0.0
    /// Extra environment for the stand-in node (e.g. STANDIN_METRICS_PORT).
    var nodeEnvironment: [String: String] = [:]

    /// Serves the stand-in's Prometheus endpoint on a free port and points the reporter at it.
    func enableNodeMetrics() throws {
        let port = try FreePort.pick()
        nodeEnvironment["STANDIN_METRICS_PORT"] = String(port)
        podEnvironment["NODE_METRICS_URL"] = "http://127.0.0.1:\(port)/metrics"
    }

    /// Extra environment for this pod's reporter and guard.
    var podEnvironment: [String: String] = [:]
    /// Like the chart: the node container starts only once the reporter's startup probe passes
    /// (its boot keys are in place); later exits are restarted at once, as the kubelet does.
    var nodeWaitsForBootKeys = false
    private(set) var reporter: ChildProcess?
    private(set) var guardProcess: ChildProcess?
    private let node = Locked<ChildProcess?>(nil)
    private let nodeLoopStop = Locked(false)
    private var nodeLoop: Task<Void, Never>?
    private let killed = Locked<[(pid: Int32, at: UInt64)]>([])

    static let timing = ["LEASE_DURATION": "4", "RENEW_DEADLINE": "2", "RETRY_PERIOD": "0.5",
                         "RENEW_INTERVAL": "1", "SLEEP_INTERVAL": "1", "REPORT_HEARTBEAT": "2"]

    /// Credentials shaped like cardano-cli's (the reporter inspects the Secret's files and a pod
    /// whose files cannot forge does not campaign); one set per pool, like one Secret.
    let credentials: CredentialFixture

    init(name: String, index: Int, namespace: String, emulator: Emulator, root: String,
         sharedNodeName: String? = nil, credentials: CredentialFixture? = nil) throws {
        self.name = name
        self.namespace = namespace
        self.emulator = emulator
        self.directory = root + "/" + name
        self.nodeProcessName = sharedNodeName ?? "cnode-\(index)-\(getpid() % 1000)"
        let fm = FileManager.default
        for sub in ["secrets", "keys", "run", "bin"] {
            try fm.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
        }
        let credentials = try credentials ?? CredentialFixture.generate()
        self.credentials = credentials
        try credentials.writeSecretVolume(to: directory + "/secrets", counter: 1, kesPeriod: 0)
        try fm.createSymbolicLink(atPath: nodeBinary, withDestinationPath: Binaries.path("cardano-node-standin"))
    }

    var nodeBinary: String { directory + "/bin/" + nodeProcessName }
    var socketPath: String { directory + "/node.sock" }
    var transitionsFile: String { directory + "/transitions" }
    var nodeLog: String { directory + "/node.log" }
    var fenceFile: String { directory + "/run/fence" }
    var targetKeys: [String] { ["kes.skey", "vrf.skey", "node.cert"].map { directory + "/keys/" + $0 } }
    var sourceKES: String { directory + "/secrets/kes.skey" }

    var environment: [String: String] {
        var env = Self.timing
        env.merge([
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "NAMESPACE": namespace, "POD_NAME": name, "KUBECONFIG": emulator.kubeconfigPath,
            "NODE_SOCKET": socketPath, "CARDANO_NODE_PROCESS_NAME": nodeProcessName,
            "NODE_LOG_FILE": nodeLog, "FENCE_FILE": fenceFile, "METRICS_PORT": "0", "LOG_LEVEL": "debug",
            "SOURCE_KES_KEY": directory + "/secrets/kes.skey", "SOURCE_VRF_KEY": directory + "/secrets/vrf.skey",
            "SOURCE_OP_CERT": directory + "/secrets/node.cert",
            "TARGET_KES_KEY": targetKeys[0], "TARGET_VRF_KEY": targetKeys[1], "TARGET_OP_CERT": targetKeys[2],
        ]) { $1 }
        env.merge(podEnvironment) { $1 }
        return env
    }

    /// Creates the Pod object, then starts the node loop, the reporter and the guard.
    func start(extraEnvironment: [String: String] = [:]) async throws {
        let body = try JSONSerialization.data(withJSONObject: [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": name, "namespace": namespace, "labels": ["app": "producer"]],
            "spec": ["containers": [["name": "node", "image": "cardano-node"]]],
        ])
        let (status, response) = try await emulator.client().send(
            method: "POST", path: "/api/v1/namespaces/\(namespace)/pods", body: body, contentType: "application/json")
        guard status == 201 || status == 409 else {
            throw FakeError(description: "creating pod \(name): \(status) \(String(decoding: response, as: UTF8.self))")
        }
        startNodeLoop()
        try startReporter(extraEnvironment: extraEnvironment)
        guardProcess = try ChildProcess.launch(
            executable: Binaries.path("forge-reporter"), arguments: ["guard"],
            environment: environment.merging(extraEnvironment) { $1 }, outputFile: directory + "/guard.log")
    }

    func startReporter(extraEnvironment: [String: String] = [:]) throws {
        reporter = try ChildProcess.launch(
            executable: Binaries.path("forge-reporter"), arguments: [],
            environment: environment.merging(extraEnvironment) { $1 }, outputFile: directory + "/reporter.log")
    }

    /// Like the kubelet: whenever the node exits, start it again (after 50 ms).
    private func startNodeLoop() {
        nodeLoopStop.withLock { $0 = false }
        nodeLoop = Task.detached { [self] in
            var started = false
            while !nodeLoopStop.current && !Task.isCancelled {
                if nodeWaitsForBootKeys, !started,
                   !targetKeys.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
                    try? await Task.sleep(for: .milliseconds(20))
                    continue
                }
                // Like a container: never two instances (also guards against a missed exit).
                let alive = (try? NodeProcessLocator(processName: nodeProcessName, socketPath: socketPath).locate()) != nil
                if node.current?.isRunning != true && !alive {
                    let env = nodeEnvironment.merging([
                               "STANDIN_TRANSITIONS_FILE": transitionsFile, "STANDIN_LOG_FILE": nodeLog,
                               "STANDIN_REPLAY_DELAY": String(replayDelay),
                               "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]) { $1 }
                    let launched = try? ChildProcess.launch(
                        executable: nodeBinary,
                        arguments: ["run", "--socket-path", socketPath, "--shelley-kes-key", targetKeys[0],
                                    "--shelley-vrf-key", targetKeys[1], "--shelley-operational-certificate", targetKeys[2],
                                    "--start-as-non-producing-node", "--database-path", directory + "/db"],
                        environment: env, outputFile: directory + "/node.out")
                    node.withLock { $0 = launched }
                    started = true
                    try? await Task.sleep(for: .milliseconds(50))
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    var nodePID: Int32? { node.current.flatMap { $0.isRunning ? $0.pid : nil } }

    /// SIGKILLs the node and records the moment for the forging oracle.
    func killNode() {
        guard let process = node.current, process.isRunning else { return }
        let at = SystemMonotonicClock().now().nanoseconds
        process.signal(SIGKILL)
        killed.withLock { $0.append((process.pid, at)) }
    }

    /// Stops restarting the node and kills it (a whole-pod crash when combined with reporter).
    func stopNodeLoop() {
        nodeLoopStop.withLock { $0 = true }
        nodeLoop?.cancel()
        killNode()
    }

    func stop() {
        stopNodeLoop()
        for process in [reporter, guardProcess].compactMap({ $0 }) where process.isRunning {
            process.signal(SIGCONT)
            process.signal(SIGKILL)
        }
    }

    var killedPIDs: Set<Int32> { Set(killed.current.map(\.pid)) }

    /// The forging transitions of this pod's nodes, with SIGKILLs as deaths.
    func addTransitions(to timeline: inout ForgingTimeline) throws {
        if FileManager.default.fileExists(atPath: transitionsFile) {
            try timeline.add(transitionsFile: transitionsFile)
        }
        for death in killed.current { timeline.recordDeath(pid: death.pid, at: death.at) }
    }

    /// The report on this pod's annotation, decoded; nil when absent.
    func report() async throws -> ForgeReport? {
        let (status, body) = try await emulator.client().send(
            method: "GET", path: "/api/v1/namespaces/\(namespace)/pods/\(name)")
        guard status == 200,
              let object = try JSONSerialization.jsonObject(with: body) as? [String: Any],
              let metadata = object["metadata"] as? [String: Any],
              let annotations = metadata["annotations"] as? [String: String],
              let value = annotations[ForgeReport.annotationKey] else { return nil }
        return try ForgeReport.decode(annotation: value).get()
    }

    var reporterLog: String { (try? String(contentsOfFile: directory + "/reporter.log", encoding: .utf8)) ?? "" }
    var guardLog: String { (try? String(contentsOfFile: directory + "/guard.log", encoding: .utf8)) ?? "" }
}
