import ForgeCore
import Foundation
import KubeClient
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Objects and processes the aggregator integration tests share. Short timings throughout:
/// heartbeat 1 s, peers' lease 3 s, peer timeout 6 s, settle 2 s (the default 2 heartbeats).
struct AggregatorFixture {
    static let namespace = "cardano"
    static let poolId = String(repeating: "ab", count: 28)
    static let peerTimeout: Duration = .seconds(6)

    let emulator: Emulator
    let client: KubernetesClient

    static func start() async throws -> AggregatorFixture {
        let emulator = try await Emulator.start()
        try await emulator.installCRDs()
        try await emulator.createNamespace(namespace)
        let client = try emulator.client(options: KubeClientOptions(qps: 200, burst: 400, userAgent: "aggregator-tests"))
        return AggregatorFixture(emulator: emulator, client: client)
    }

    func createCluster(region: String, priority: Int, healthEndpoint: String? = nil, podSelector: [String: String]? = nil,
                       gracePeriod: String = "3s", forgeState: ForgeState = .priorityBased,
                       override: CardanoForgeClusterSpec.Override? = nil) async throws -> String {
        let name = "mainnet-abababab-\(region)"
        var spec = CardanoForgeClusterSpec(
            network: .init(name: "mainnet", magic: 764824073), pool: .init(id: Self.poolId, ticker: "TEST"), region: region,
            forgeState: forgeState, priority: priority, override: override,
            podSelector: podSelector.map { LabelSelector(matchLabels: $0) }, gracePeriod: gracePeriod)
        if let healthEndpoint {
            spec.healthCheck = .init(enabled: true, endpoint: healthEndpoint, interval: "1s", timeout: "1s", failureThreshold: 3)
        }
        _ = try await client.create(.cardanoForgeClusters, namespace: Self.namespace,
                                    CardanoForgeCluster(metadata: ObjectMeta(name: name), spec: spec))
        return name
    }

    /// Waits until the region's aggregator Lease has been renewed `count` more times: the
    /// aggregator is alive and has recomputed meanwhile (it no longer rewrites an unchanged
    /// status, so the status itself cannot show that time passed).
    func leaseRenewals(region: String, count: Int, timeout: Duration = .seconds(10)) async throws {
        let name = "forge-aggregator-\(region)"
        func version() async -> String? {
            try? await client.get(.leases, namespace: Self.namespace, name: name, as: Lease.self).metadata.resourceVersion
        }
        var last = await version()
        var seen = 0
        try await eventually(timeout: timeout, poll: .milliseconds(50), "\(count) renewals of Lease \(name)") {
            let now = await version()
            if now != nil, now != last { seen += 1; last = now }
            return seen >= count
        }
    }

    func createLeaderResource() async throws {
        _ = try await client.create(.cardanoLeaders, namespace: Self.namespace,
                                    CardanoLeader(metadata: ObjectMeta(name: "cardano-leader-mainnet-abababab")))
    }

    func status(_ name: String) async throws -> CardanoForgeClusterStatus? {
        try await client.get(.cardanoForgeClusters, namespace: Self.namespace, name: name, as: CardanoForgeCluster.self).status
    }

    func rawStatus(_ name: String) async throws -> [String: Any] {
        let (_, body) = try await client.send(method: "GET", path: ResourceType.cardanoForgeClusters.path(namespace: Self.namespace, name: name))
        let object = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        return object?["status"] as? [String: Any] ?? [:]
    }

    static func report(pod: String, sequence: Int64, leader: Bool, forging: Bool) throws -> String {
        try ForgeReport(
            pod: pod, network: "mainnet", poolId: poolId, region: "eu", sequence: sequence,
            reportedAt: ForgeReport.timestamp(Date()),
            leadership: .init(holder: leader ? pod : "someone-else", leaseName: "cardano-leader-mainnet-abababab", transitions: 1),
            forging: .init(enabled: forging, confirmedBy: forging ? .sighupLog : .none),
            socket: .init(path: "/ipc/node.socket", healthy: true), process: .init(pid: 42, found: true),
            credentials: .init(state: forging ? .present : .absent), phase: forging ? .forging : .standby
        ).annotationValue()
    }

    /// Creates the pod (with `labels`), or replaces its report annotation (a merge patch, as
    /// the reporter does).
    func publish(pod: String, annotation: String, labels: [String: String] = ["app": "bp"]) async throws {
        let annotations = try JSONSerialization.data(withJSONObject: ["cardano.io/forge-report": annotation])
        let meta = String(decoding: annotations, as: UTF8.self)
        let path = ResourceType.pods.path(namespace: Self.namespace, name: pod)
        let (status, _) = try await client.send(method: "PATCH", path: path,
                                                body: Data(#"{"metadata":{"annotations":\#(meta)}}"#.utf8),
                                                contentType: "application/merge-patch+json")
        if status == 404 {
            let labelsJSON = String(decoding: try JSONSerialization.data(withJSONObject: labels, options: .sortedKeys), as: UTF8.self)
            let body = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(pod)","labels":\#(labelsJSON),"annotations":\#(meta)},"spec":{"containers":[{"name":"node","image":"cardano-node"}]}}"#
            let (created, reply) = try await client.send(method: "POST", path: ResourceType.pods.path(namespace: Self.namespace),
                                                         body: Data(body.utf8), contentType: "application/json")
            guard created == 201 else { throw FixtureError(description: "create pod \(pod): \(created) \(String(decoding: reply, as: UTF8.self))") }
        }
    }

    func deletePod(_ pod: String) async throws {
        try await client.delete(.pods, namespace: Self.namespace, name: pod)
    }

    func startAggregator(region: String, identity: String, extra: [String] = []) throws -> ChildProcess {
        try ChildProcess.launch(executable: Binaries.path("forge-aggregator"), arguments: [
            "--kubeconfig", emulator.kubeconfigPath, "--namespace", Self.namespace, "--region", region,
            "--pod-name", identity, "--metrics-port", "0", "--metrics-host", "127.0.0.1",
            "--heartbeat-interval", "1s", "--peer-timeout", "6s", "--peer-lease-duration", "3s",
            "--peer-status-staleness", "2s", "--peer-sleep-interval", "1s",
            "--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period", "500ms", "--log-level", "debug",
        ] + extra, outputFile: emulator.directory + "/aggregator-\(identity).log")
    }
}

extension AggregatorFixture {
    /// Waits until `primary` forges and `secondary` does not (with a heartbeat of its own),
    /// then starts sampling both continuously; cancel the task to stop.
    func samplingOnceSettled(primary: String, secondary: String) async throws -> (DualForgeSampler, Task<Void, Never>) {
        try await eventually(timeout: .seconds(20), "primary forges, secondary does not") {
            let eu = try await status(primary), us = try await status(secondary)
            return eu?.forgingEnabled == true && us?.forgingEnabled == false && us?.heartbeat != nil
        }
        let sampler = DualForgeSampler()
        return (sampler, Task { [self] in await sampler.run(self, primary, secondary) })
    }
}

/// The aggregator's /metrics text, from the port it logs once listening.
func scrapeMetrics(_ aggregator: ChildProcess) async throws -> String {
    var port = 0
    try await eventually(timeout: .seconds(10), "metrics port logged") {
        // JSON log line: {"msg":"serving /metrics, /healthz, /readyz on port 41234",...}
        guard let line = aggregator.output.split(separator: "\n").first(where: { $0.contains("/readyz on port ") }),
              let after = line.split(separator: "on port ", maxSplits: 1).last else { return false }
        port = Int(after.prefix { $0.isNumber }) ?? 0
        return port > 0
    }
    let result = await HTTPProbe.get(url: "http://127.0.0.1:\(port)/metrics", timeout: .seconds(5))
    guard result.isSuccess else { throw FixtureError(description: "GET /metrics: \(result.status.map(String.init) ?? result.error ?? "?")") }
    return String(decoding: result.body, as: UTF8.self)
}

struct FixtureError: Error, CustomStringConvertible { let description: String }

/// Samples two regions' status continuously and remembers whether both ever allowed forging.
actor DualForgeSampler {
    private(set) var bothEnabled: [String] = []
    private(set) var samples = 0
    /// Index of the first sample where each region was seen enabled / disabled.
    private(set) var history: [(first: Bool?, second: Bool?)] = []

    func run(_ fixture: AggregatorFixture, _ first: String, _ second: String) async {
        while !Task.isCancelled {
            async let a = try? fixture.status(first)?.forgingEnabled
            async let b = try? fixture.status(second)?.forgingEnabled
            let (x, y) = (await a, await b)
            samples += 1
            history.append((x ?? nil, y ?? nil))
            if x == true, y == true { bothEnabled.append("sample \(samples)") }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
