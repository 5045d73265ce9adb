import Foundation
import Testing
@testable import KubeClient

/// Kubeconfig and in-cluster configuration, parsed from real files in a temporary directory.
@Suite final class KubeConfigTests {
    let dir: String

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    init() throws {
        dir = NSTemporaryDirectory() + "kubeconfig-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    func goodConfig() throws -> String {
        _ = try write("certs/ca.crt", Self.caPEM)
        _ = try write("certs/client.crt", "cert")
        _ = try write("certs/client.key", "key")
        _ = try write("token", "file-token\n")
        let caData = Data(Self.caPEM.utf8).base64EncodedString()
        return try write("config", """
            apiVersion: v1
            kind: Config
            current-context: main
            clusters:
            - name: c1
              cluster:
                server: https://10.0.0.1:6443/
                certificate-authority-data: \(caData)
            - name: c2
              cluster:
                server: https://other.example:443
                certificate-authority: certs/ca.crt
            users:
            - name: u1
              user:
                token: abc123
            - name: u2
              user:
                tokenFile: token
                client-certificate: certs/client.crt
                client-key: certs/client.key
            contexts:
            - name: main
              context: {cluster: c1, user: u1, namespace: pools}
            - name: second
              context: {cluster: c2, user: u2}
            """)
    }

    @Test func currentContextWithTokenAndInlineCA() throws {
        let config = try KubeConfig.load(path: try goodConfig())
        #expect(config.server == "https://10.0.0.1:6443")
        #expect(config.caData == Data(Self.caPEM.utf8))
        #expect(config.token == "abc123")
        #expect(config.namespace == "pools")
        #expect(config.insecureSkipTLSVerify == false)
        #expect(config.tokenFile == nil && config.clientCertFile == nil)
    }

    @Test func namedContextResolvesRelativePathsAgainstTheKubeconfigDirectory() throws {
        let config = try KubeConfig.load(path: try goodConfig(), context: "second")
        #expect(config.server == "https://other.example:443")
        #expect(config.caFile == dir + "/certs/ca.crt")
        #expect(!config.insecureSkipTLSVerify)
        #expect(config.tokenFile == dir + "/token")
        #expect(config.clientCertFile == dir + "/certs/client.crt")
        #expect(config.clientKeyFile == dir + "/certs/client.key")
        #expect(config.namespace == nil)
    }

    @Test func inlineClientCertificateAndKey() throws {
        let cert = Data("CERT".utf8).base64EncodedString(), key = Data("KEY".utf8).base64EncodedString()
        let path = try write("inline", """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h:1"}}]
            users: [{name: u, user: {client-certificate-data: \(cert), client-key-data: \(key)}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """)
        let config = try KubeConfig.load(path: path)
        #expect(config.clientCertData == Data("CERT".utf8))
        #expect(config.clientKeyData == Data("KEY".utf8))
    }

    /// Each malformed file yields a config error naming the file and the cause.
    @Test(arguments: [
        ("missing-context", "current-context: nope\ncontexts: [{name: x, context: {cluster: c}}]\n", "context \"nope\" not found"),
        ("no-current", "clusters: []\n", "current-context is not set"),
        ("missing-cluster", "current-context: x\ncontexts: [{name: x, context: {cluster: gone}}]\nclusters: [{name: c, cluster: {server: \"https://h\"}}]\n", "cluster \"gone\" not found"),
        ("bad-base64", "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: \"https://h\", certificate-authority-data: \"!!notbase64!!\"}}]\n", "certificate-authority-data is not valid base64"),
        ("no-server", "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {}}]\n", "field server is missing"),
        ("bad-server", "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: \"ftp://h\"}}]\n", "is not an http(s) URL"),
        ("missing-user", "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: who}}]\nclusters: [{name: c, cluster: {server: \"https://h\"}}]\nusers: []\n", "user \"who\" not found"),
        ("exec-user", "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: \"https://h\"}}]\nusers: [{name: u, user: {exec: {command: aws}}}]\n", "exec is not supported"),
        ("missing-ca-file", "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: \"https://h\", certificate-authority: nothere.crt}}]\n", "nothere.crt, which does not exist"),
        ("cert-no-key", "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: \"https://h\"}}]\nusers: [{name: u, user: {client-certificate-data: Q0VSVA==}}]\n", "certificate without a key"),
        ("not-yaml", "current-context: [unclosed\n", "not valid YAML"),
        ("skip-verify-with-ca", "current-context: x\ncontexts: [{name: x, context: {cluster: east}}]\nclusters: [{name: east, cluster: {server: \"https://h\", insecure-skip-tls-verify: true, certificate-authority-data: Q0VSVA==}}]\n", "cluster \"east\" sets insecure-skip-tls-verify together with certificate-authority-data"),
        ("scalar", "just a string\n", "not a YAML mapping"),
    ])
    func malformedKubeconfigNamesTheCause(name: String, text: String, expected: String) throws {
        let path = try write(name, text)
        let error = #expect(throws: KubeClientError.self) { try KubeConfig.load(path: path) }
        guard case .config(let message)? = error else {
            Issue.record("expected a config error, got \(String(describing: error))")
            return
        }
        #expect(message.contains(path), "message names the file: \(message)")
        #expect(message.contains(expected), "message names the cause: \(message)")
    }

    @Test func unreadableFileIsAConfigError() {
        let error = #expect(throws: KubeClientError.self) { try KubeConfig.load(path: dir + "/absent") }
        #expect("\(String(describing: error))".contains("cannot read"))
    }

    @Test func inClusterReadsServiceAccountAndBracketsIPv6() throws {
        let sa = dir + "/sa"
        _ = try write("sa/token", "sa-token")
        _ = try write("sa/ca.crt", Self.caPEM)
        _ = try write("sa/namespace", "forge\n")
        let v4 = try KubeConfig.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"], serviceAccountDir: sa)
        #expect(v4.server == "https://10.96.0.1:443")
        #expect(v4.tokenFile == sa + "/token")
        #expect(v4.caFile == sa + "/ca.crt")
        #expect(v4.namespace == "forge")
        let v6 = try KubeConfig.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"], serviceAccountDir: sa)
        #expect(v6.server == "https://[fd00::1]:6443")
    }

    @Test func inClusterWithoutEnvironmentOrTokenIsAConfigError() throws {
        #expect(throws: KubeClientError.self) { try KubeConfig.inCluster(environment: [:], serviceAccountDir: dir) }
        let error = #expect(throws: KubeClientError.self) {
            try KubeConfig.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "443"], serviceAccountDir: dir + "/none")
        }
        #expect("\(String(describing: error))".contains("token"))
    }

    @Test func resolvePrefersExplicitThenKubeconfigEnvThenInClusterThenHome() throws {
        let path = try goodConfig()
        let other = try write("other", """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://env:1"}}]
            contexts: [{name: x, context: {cluster: c}}]
            """)
        _ = try write("home/.kube/config", """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://home:1"}}]
            contexts: [{name: x, context: {cluster: c}}]
            """)
        let env = ["KUBECONFIG": "\(dir)/missing:\(other)", "HOME": dir + "/home"]
        #expect(try KubeConfig.resolve(explicitPath: path, environment: env).server == "https://10.0.0.1:6443")
        #expect(try KubeConfig.resolve(explicitPath: nil, environment: env).server == "https://env:1")
        #expect(try KubeConfig.resolve(explicitPath: nil, environment: ["HOME": dir + "/home"]).server == "https://home:1")
        #expect(throws: KubeClientError.self) { try KubeConfig.resolve(explicitPath: nil, environment: ["HOME": dir + "/nohome"]) }
    }
}

/// Unauthenticated connections (plain http://, insecure-skip-tls-verify) are refused unless
/// the operator opts in: a peer region's answer decides whether this region forges.
@Suite final class KubeConfigTransportTests {
    let dir: String

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    init() throws {
        dir = NSTemporaryDirectory() + "kubeconfig-transport-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func load(_ cluster: String) throws -> (path: String, config: KubeConfig) {
        let path = dir + "/config-\(UUID().uuidString)"
        try """
            current-context: x
            contexts: [{name: x, context: {cluster: peer-east, user: u}}]
            clusters: [{name: peer-east, cluster: \(cluster)}]
            users: [{name: u, user: {token: t}}]
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, try KubeConfig.load(path: path))
    }

    func refusal(_ config: KubeConfig) -> String? {
        do {
            try config.requireVerifiedTransport(allowInsecure: false, optIn: "--allow-insecure-peers")
            return nil
        } catch KubeClientError.config(let message) {
            return message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func plainHTTPIsRefusedNamingTheEntryAndTheOptIn() throws {
        let (path, config) = try load("{server: \"http://10.0.0.9:8080\"}")
        let message = try #require(refusal(config))
        #expect(message.contains("kubeconfig \(path): cluster \"peer-east\""), "\(message)")
        #expect(message.contains("plain http://") && message.contains("--allow-insecure-peers"), "\(message)")
        #expect(throws: Never.self) { try config.requireVerifiedTransport(allowInsecure: true, optIn: "--allow-insecure-peers") }
    }

    @Test func skipVerifyIsRefusedUnlessAllowed() throws {
        let (_, config) = try load("{server: \"https://10.0.0.9:6443\", insecure-skip-tls-verify: true}")
        let message = try #require(refusal(config))
        #expect(message.contains("insecure-skip-tls-verify") && message.contains("cluster \"peer-east\""), "\(message)")
        #expect(throws: Never.self) { try config.requireVerifiedTransport(allowInsecure: true, optIn: "--allow-insecure-peers") }
    }

    @Test func verifiedTLSPasses() throws {
        let (_, withCA) = try load("{server: \"https://10.0.0.9:6443\", certificate-authority-data: Q0VSVA==}")
        #expect(refusal(withCA) == nil)
        let (_, systemRoots) = try load("{server: \"https://api.example:443\"}")
        #expect(refusal(systemRoots) == nil)
        #expect(refusal(KubeConfig(server: "https://10.96.0.1:443", caFile: "/ca.crt")) == nil)
    }
}
