import Dispatch
import ForgeCore
import ForgeHTTP
import FoundationEssentials
import KubeClient
import Logging
import Prometheus

#if canImport(Glibc)
import Glibc
#endif

/// Wires the aggregator together: informers (pods, local CardanoForgeClusters and
/// CardanoLeaders, peer regions' CardanoForgeClusters) feed the engine; one loop recomputes on every event and on
/// a timer; the elector decides whether this replica writes; the HTTP server serves
/// /metrics, /healthz and /readyz. SIGTERM/SIGINT stop everything and release the lease.
final class AggregatorRuntime: Sendable {
    let config: AggregatorConfig
    let logger: Logger
    let client: KubernetesClient
    let peers: [(source: String, client: KubernetesClient, namespace: String)]
    let engine: AggregatorEngine
    let metrics: AggregatorMetrics
    let elector: LeaderElector

    init(config: AggregatorConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        let options = KubeClientOptions(qps: config.kubeQPS, burst: config.kubeBurst, userAgent: "forge-aggregator/\(config.identity)")
        let ownConfig = try KubeConfig.resolve(explicitPath: config.kubeconfig)
        try ownConfig.requireVerifiedTransport(allowInsecure: config.allowInsecureKubeconfig, optIn: "--allow-insecure-kubeconfig")
        client = try KubernetesClient(config: ownConfig, options: options, logger: Logger(label: "kube"))
        peers = try config.peerKubeconfigs.map { path in
            let peerConfig = try KubeConfig.load(path: path)
            try peerConfig.requireVerifiedTransport(allowInsecure: config.allowInsecurePeers, optIn: "--allow-insecure-peers")
            let peerClient = try KubernetesClient(config: peerConfig, options: options, logger: Logger(label: "kube-peer"))
            return (path, peerClient, config.peerNamespace ?? config.namespace)
        }
        // The Lease is the region's liveness: its renewals get a client (and rate limit) of
        // their own, so they never queue behind a burst of status writes. Whether this
        // replica still vouches is decided by `vouchesForRegion`, not by starving it.
        let electionClient = try KubernetesClient(
            config: ownConfig, options: KubeClientOptions(qps: 5, burst: 10, userAgent: "forge-aggregator/\(config.identity)"),
            logger: Logger(label: "kube-election"))
        metrics = AggregatorMetrics(registry: PrometheusCollectorRegistry())
        engine = AggregatorEngine(config: config, sink: KubeStatusSink(client: client, namespace: config.namespace),
                                  metrics: metrics, logger: logger)
        elector = try LeaderElector(
            config: LeaderElectionConfig(
                leaseName: config.leaseName, namespace: config.namespace, identity: config.identity,
                leaseDuration: config.leaseDuration, renewDeadline: config.renewDeadline, retryPeriod: config.retryPeriod),
            lock: KubeLeaseLock(client: electionClient, namespace: config.namespace, name: config.leaseName),
            logger: Logger(label: "aggregator-election"))
    }

    func run() async throws {
        let (wakes, waker) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let wake: @Sendable () -> Void = { waker.yield() }
        let probes = HealthProbeScheduler(engine: engine, logger: logger, wake: wake)
        let server = try ForgeHTTPServer(port: UInt16(config.metricsPort), host: config.metricsHost,
                                         registry: metrics.registry, logger: logger)
        let engine = engine
        server.route("/healthz") { await engine.isAlive ? .ok() : .unavailable("recompute loop stalled") }
        server.route("/readyz") { await engine.isReady ? .ok() : .unavailable("informers not synced yet") }
        let signals = Self.terminationSignals()
        logger.info("forge-aggregator \(config.identity): region \(config.region), namespace \(config.namespace), peers \(config.peerKubeconfigs.count), heartbeat \(KubeDuration.format(config.heartbeatInterval)), peer timeout \(KubeDuration.format(config.peerTimeout))")

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [logger] in
                try await withThrowingTaskGroup(of: Void.self) { http in
                    http.addTask { try await server.run() }
                    // The bound port matters with --metrics-port 0 (tests, benchmarks).
                    if let port = try? await server.boundPort() { logger.info("serving /metrics, /healthz, /readyz on port \(port)") }
                    try await http.next()
                }
            }
            group.addTask { [self] in await watchPods(wake: wake) }
            group.addTask { [self] in await watchClusters(client: client, namespace: config.namespace, source: AggregatorEngine.localSource, wake: wake) }
            group.addTask { [self] in await watchLeaders(wake: wake) }
            for peer in peers {
                group.addTask { [self] in await watchClusters(client: peer.client, namespace: peer.namespace, source: peer.source, wake: wake) }
            }
            let engineForGate = engine
            await elector.setWriteGate { await engineForGate.vouchesForRegion() }
            group.addTask { [self] in await elector.run() }
            var sources = [AggregatorEngine.localSource: (client: client, namespace: config.namespace)]
            for peer in peers { sources[peer.source] = (peer.client, peer.namespace) }
            let leases = LeaseWatchSet(sources: sources, wake: wake)
            group.addTask { [self] in
                // Follow every region liveness Lease the statuses name (and our own).
                while !Task.isCancelled {
                    await leases.ensure(await engine.wantedLeases, engine: engine)
                    try? await Task.sleep(for: .seconds(1))
                }
                await leases.stopAll()
            }
            group.addTask { [self] in
                for await event in elector.events {
                    await engine.apply(leadership: event)
                    wake()
                }
            }
            group.addTask { [config] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: config.tick)
                    wake()
                }
            }
            group.addTask {
                for await _ in wakes {
                    if Task.isCancelled { break }
                    await engine.recompute()
                    await probes.reconcile(await engine.probeTargets)
                }
            }
            group.addTask { [self] in await tellEvents() }
            group.addTask { [logger] in
                for await signal in signals {
                    logger.notice("signal \(signal): stopping (the lease is released)")
                    return
                }
            }
            // The first task to end (a signal, or the HTTP server failing) stops the rest.
            defer { waker.finish() }
            do {
                try await group.next()
            } catch {
                logger.error("stopping: \(error)")
                group.cancelAll()
                await probes.stopAll()
                throw error
            }
            group.cancelAll()
            waker.finish()
            await probes.stopAll()
        }
    }

    private func watchPods(wake: @escaping @Sendable () -> Void) async {
        // Metadata only: the report is an annotation and the selection uses labels, so spec and
        // status (most of a pod's bytes) are neither sent nor decoded.
        let informer = Informer<PartialObjectMetadata>(client: client, type: .pods, namespace: config.namespace,
                                                       labelSelector: config.podSelector, logger: Logger(label: "informer-pods"),
                                                       representation: .metadataOnly)
        await follow(informer, wake: wake) { [engine] in await engine.apply(podEvent: $0) }
    }

    private func watchClusters(client: KubernetesClient, namespace: String, source: String,
                               wake: @escaping @Sendable () -> Void) async {
        let informer = Informer<CardanoForgeCluster>(client: client, type: .cardanoForgeClusters, namespace: namespace,
                                                     logger: Logger(label: "informer-cfc-\(source)"))
        await follow(informer, wake: wake) { [engine] in await engine.apply(clusterEvent: $0, source: source) }
    }

    /// Which CardanoLeaders exist, so a missing one is never patched just to learn it is missing.
    private func watchLeaders(wake: @escaping @Sendable () -> Void) async {
        let informer = Informer<CardanoLeader>(client: client, type: .cardanoLeaders, namespace: config.namespace,
                                               logger: Logger(label: "informer-cardanoleaders"))
        await follow(informer, wake: wake) { [engine] in await engine.apply(leaderEvent: $0) }
    }

    /// Runs `informer` and hands each event to the engine, then wakes the recompute loop.
    private func follow<T: KubeObject>(_ informer: Informer<T>, wake: @escaping @Sendable () -> Void,
                                       apply: @escaping @Sendable (InformerEvent<T>) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await informer.run() }
            group.addTask {
                for await event in informer.events {
                    await apply(event)
                    wake()
                }
            }
        }
    }

    /// SIGTERM and SIGINT as a stream (the default handlers would kill us before the lease
    /// is released).
    private static func terminationSignals() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            signalSources.withLock { $0.append(source) }
        }
        return stream
    }

    private static let signalSources = Locked<[DispatchSourceSignal]>([])
}
