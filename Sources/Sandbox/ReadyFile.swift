import Foundation

/// The JSON the doc checker (and scripts) read once the sandbox is up: where the API is and
/// which ports the reporters, aggregators and the health endpoint listen on.
enum ReadyFile {
    static func write(path: String, system: SandboxSystem) throws {
        var pods: [String: Any] = [:]
        for pod in system.pods {
            pods[pod.name] = ["namespace": pod.region.namespace, "metricsPort": pod.metricsPort, "directory": pod.directory]
        }
        var aggregators: [String: Any] = [:]
        for aggregator in system.aggregators {
            aggregators[aggregator.region.name] = ["namespace": aggregator.region.namespace, "metricsPort": aggregator.port]
        }
        let object: [String: Any] = [
            "kubeconfig": system.emulator.kubeconfigPath,
            "server": "https://127.0.0.1:\(system.emulator.port)",
            "namespaces": system.regions.map(\.namespace),
            "forgeClusters": system.regions.map { ["namespace": $0.namespace, "name": $0.clusterName] },
            "leaseName": SandboxSettings.leaseName,
            "pods": pods,
            "aggregators": aggregators,
            "healthURL": system.health.url,
            "directory": system.root,
            "pid": Int(getpid()),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        // Written whole then renamed, so a reader never sees half a file.
        let temporary = path + ".tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw SandboxError("cannot write \(path): errno \(errno)") }
    }
}
