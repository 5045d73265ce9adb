import Foundation
import KubeClient

/// The Kubernetes objects of one region, as the charts would create them: the pool's
/// CardanoForgeCluster and CardanoLeader, and the block-producer Pod objects (the sandbox plays
/// the kubelet for them, so only the fields the emulator requires are set).
enum SandboxObjects {
    static func forgeCluster(_ region: RegionSpec, healthEndpoint: String?) -> [String: Any] {
        var spec: [String: Any] = [
            "network": ["name": SandboxSettings.network, "magic": SandboxSettings.networkMagic],
            "pool": ["id": SandboxSettings.poolId, "ticker": SandboxSettings.poolTicker],
            "application": ["type": "block-producer", "environment": "sandbox"],
            "region": region.name,
            "forgeState": "Priority-based",
            "priority": region.priority,
            "gracePeriod": SandboxSettings.gracePeriod,
            "podSelector": ["matchLabels": SandboxSettings.podLabels],
        ]
        if let healthEndpoint {
            // failureThreshold 2 is the aggregator's minimum (one failed probe never moves forging).
            spec["healthCheck"] = ["enabled": true, "endpoint": healthEndpoint, "interval": "1s",
                                   "timeout": "1s", "failureThreshold": 2]
        }
        return ["apiVersion": "cardano.io/v1", "kind": "CardanoForgeCluster",
                "metadata": ["name": region.clusterName, "namespace": region.namespace], "spec": spec]
    }

    static func cardanoLeader(_ region: RegionSpec) -> [String: Any] {
        ["apiVersion": "cardano.io/v1", "kind": "CardanoLeader",
         "metadata": ["name": SandboxSettings.leaseName, "namespace": region.namespace],
         "spec": ["leaseName": SandboxSettings.leaseName]]
    }

    static func pod(_ name: String, _ region: RegionSpec) -> [String: Any] {
        ["apiVersion": "v1", "kind": "Pod",
         "metadata": ["name": name, "namespace": region.namespace, "labels": SandboxSettings.podLabels],
         "spec": ["nodeName": "sandbox-\(region.name)",
                  "containers": [["name": "cardano-node", "image": "cardano-node-standin"]]],
        ]
    }

    /// What a kubelet would report for a started pod, so `kubectl get pods` reads naturally.
    static var runningStatus: [String: Any] { ["status": [
        "phase": "Running", "conditions": [["type": "Ready", "status": "True"]],
        "containerStatuses": [["name": "cardano-node", "ready": true, "restartCount": 0, "image": "cardano-node-standin",
                               "imageID": "", "started": true, "state": ["running": [String: Any]()]]],
    ]] }

    /// Creates every object of `region` through the API (an existing one is an error: the
    /// emulator is fresh).
    static func create(_ region: RegionSpec, healthEndpoint: String?, client: KubernetesClient) async throws {
        try await post(client, ResourceType.namespaces.path(namespace: nil),
                       ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": region.namespace]])
        try await post(client, ResourceType.cardanoForgeClusters.path(namespace: region.namespace),
                       forgeCluster(region, healthEndpoint: healthEndpoint))
        try await post(client, ResourceType.cardanoLeaders.path(namespace: region.namespace), cardanoLeader(region))
        for name in region.podNames {
            try await post(client, ResourceType.pods.path(namespace: region.namespace), pod(name, region))
            let path = ResourceType.pods.path(namespace: region.namespace, name: name, subresource: "status")
            let (status, _) = try await client.send(method: "PATCH", path: path, body: try JSONSerialization.data(withJSONObject: runningStatus),
                                                    contentType: "application/merge-patch+json")
            guard status == 200 else { throw SandboxError("setting the status of pod \(name): HTTP \(status)") }
        }
    }

    private static func post(_ client: KubernetesClient, _ path: String, _ object: [String: Any]) async throws {
        let body = try JSONSerialization.data(withJSONObject: object)
        let (status, response) = try await client.send(method: "POST", path: path, body: body, contentType: "application/json")
        guard status == 201 else {
            throw SandboxError("creating \(path): HTTP \(status): \(String(decoding: response.prefix(500), as: UTF8.self))")
        }
    }
}

/// A start-up or story failure, printed as is.
struct SandboxError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
