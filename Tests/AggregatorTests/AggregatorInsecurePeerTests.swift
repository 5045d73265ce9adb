import Foundation
import Logging
import Testing
@testable import Aggregator

/// A peer kubeconfig without verified TLS is refused at start unless --allow-insecure-peers;
/// the same for our own kubeconfig and --allow-insecure-kubeconfig.
@Suite struct AggregatorInsecurePeerTests {
    static func kubeconfig(_ cluster: String) throws -> String {
        let path = NSTemporaryDirectory() + "agg-kubeconfig-\(UUID().uuidString)"
        try """
            current-context: x
            contexts: [{name: x, context: {cluster: c, user: u}}]
            clusters: [{name: c, cluster: \(cluster)}]
            users: [{name: u, user: {token: t}}]
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func config(kubeconfig: String, peers: [String], allowPeers: Bool = false, allowOwn: Bool = false) throws -> AggregatorConfig {
        var inputs = AggregatorConfig.Inputs(namespace: "pools", podName: "agg-0", region: "eu-1")
        inputs.kubeconfig = kubeconfig
        inputs.peerKubeconfigs = peers
        inputs.allowInsecurePeers = allowPeers
        inputs.allowInsecureKubeconfig = allowOwn
        return try AggregatorConfig.resolve(inputs, environment: [:])
    }

    static func startError(_ config: AggregatorConfig) -> String? {
        do {
            _ = try AggregatorRuntime(config: config, logger: Logger(label: "test"))
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func insecurePeersAreRefusedUnlessAllowed() throws {
        let own = try Self.kubeconfig("{server: \"https://127.0.0.1:6443\", certificate-authority-data: Q0VSVA==}")
        let http = try Self.kubeconfig("{server: \"http://10.1.0.1:8080\"}")
        let skip = try Self.kubeconfig("{server: \"https://10.1.0.1:6443\", insecure-skip-tls-verify: true}")
        for peer in [http, skip] {
            let error = try #require(Self.startError(try Self.config(kubeconfig: own, peers: [peer])))
            #expect(error.contains(peer) && error.contains("--allow-insecure-peers"), "\(error)")
            #expect(Self.startError(try Self.config(kubeconfig: own, peers: [peer], allowPeers: true)) == nil)
        }
        #expect(Self.startError(try Self.config(kubeconfig: own, peers: [])) == nil)
    }

    @Test func insecureOwnKubeconfigNeedsItsOwnOptIn() throws {
        let own = try Self.kubeconfig("{server: \"http://127.0.0.1:8080\"}")
        let error = try #require(Self.startError(try Self.config(kubeconfig: own, peers: [], allowPeers: true)))
        #expect(error.contains("--allow-insecure-kubeconfig"), "\(error)")
        #expect(Self.startError(try Self.config(kubeconfig: own, peers: [], allowOwn: true)) == nil)
    }
}
