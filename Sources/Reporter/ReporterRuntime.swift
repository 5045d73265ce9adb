import ForgeCore
import ForgeHTTP
import ForgeNode
import FoundationEssentials
import KubeClient
import Logging
import Prometheus
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wires the real components around the controller and runs them until SIGTERM: the control
/// loop, the elector (through `KubeLeadershipSource`), the cluster status watch, the report
/// publisher and the HTTP endpoints. On SIGTERM the controller's graceful stop runs to its end
/// before the process exits 0.
struct ReporterRuntime {
    let config: ReporterConfig

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let terminated = TerminationSignals()
        let logger = Logger(label: "forge-reporter")
        let clock = SystemMonotonicClock()
        let kubeConfig = try KubeConfig.resolve(explicitPath: config.kubeconfig)
        try kubeConfig.requireVerifiedTransport(allowInsecure: config.allowInsecureKubeconfig, optIn: "ALLOW_INSECURE_KUBECONFIG=true")
        let client = try KubernetesClient(config: kubeConfig, logger: Logger(label: "kube"))
        let registry = PrometheusCollectorRegistry()
        let metrics = ReporterMetrics(registry: registry, config: config)
        let health = HealthState(clock: clock, livenessWindow: config.livenessWindow)
        let publisher = PodAnnotationPublisher(
            client: client, namespace: config.namespace, pod: config.podName, logger: logger)
        var watcher: ClusterStatusWatcher?
        if config.enableClusterManagement, let name = config.clusterName {
            watcher = ClusterStatusWatcher(config: config, name: name, client: client, clock: clock, logger: logger)
        }
        let inspector = CredentialInspector(settings: .forReporter(config), metrics: CredentialMetrics(registry: registry, config: config),
                                            clock: clock, logger: logger)
        var dependencies = ForgeController.Dependencies(
            node: PodNodeSide(config: config, clock: clock),
            leadership: KubeLeadershipSource(config: config, client: client, clock: clock, logger: logger),
            permission: watcher ?? ImpliedClusterPermission() as ClusterPermissionSource,
            publisher: publisher, metrics: metrics, health: health, clock: clock, logger: logger)
        dependencies.credentials = inspector
        // Events about this pod (kubectl describe pod): the controller reports its transitions.
        let podEvents = PodEventSink(client: client, namespace: config.namespace, pod: config.podName,
                                     logger: Logger(label: "events"))
        dependencies.events = podEvents
        let controller = ForgeController(config: config, dependencies: dependencies)

        let server = try ForgeHTTPServer(port: config.metricsPort, registry: registry, logger: Logger(label: "http"))
        Self.addRoutes(to: server, health: health)
        logger.notice("forge-reporter starting", metadata: [
            "pod": "\(config.podName)", "namespace": "\(config.namespace)", "lease": "\(config.leaseName)",
            "cluster": "\(config.enableClusterManagement ? config.clusterName ?? "" : "management disabled")",
            "version": "\(ReporterMetrics.version)"])

        let background = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do { try await server.run() } catch where !Task.isCancelled {
                        logger.error("HTTP server stopped: \(error)", metadata: ["port": "\(config.metricsPort)"])
                    } catch {}
                }
                group.addTask { await publisher.run() }
                group.addTask { await inspector.run() }
                group.addTask { await podEvents.run() }
                if let watcher {
                    group.addTask { await watcher.run { await controller.permissionChanged() } }
                }
                await group.waitForAll()
            }
        }
        let loop = Task { await controller.run() }

        await terminated.wait()
        logger.notice("SIGTERM received")
        await controller.shutdown()
        await podEvents.finish(within: .seconds(2))
        loop.cancel()
        await loop.value
        background.cancel()
        await background.value
    }

    static func addRoutes(to server: ForgeHTTPServer, health: HealthState) {
        server.route("/healthz") {
            health.isAlive ? .ok("alive") : .unavailable("control loop has not completed a pass recently")
        }
        server.route("/readyz") {
            let snapshot = health.snapshot
            return snapshot.ready ? .ok("ready") : .unavailable(snapshot.notReadyReason)
        }
        server.route("/startup-status") {
            health.snapshot.nodeCanBoot
                ? .ok("node can boot") : .unavailable("keys not provisioned and node not up yet")
        }
    }
}
