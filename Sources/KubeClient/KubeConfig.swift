import FoundationEssentials

/// Where the API server is and how to authenticate to it.
public struct KubeConfig: Sendable, Equatable {
    /// e.g. "https://127.0.0.1:6443" (no trailing slash).
    public var server: String
    public var caData: Data?
    public var caFile: String?
    public var insecureSkipTLSVerify: Bool
    public var token: String?
    /// Re-read every 60 s and after a 401 (kubelet rotates projected service-account tokens).
    public var tokenFile: String?
    public var clientCertData: Data?
    public var clientCertFile: String?
    public var clientKeyData: Data?
    public var clientKeyFile: String?
    /// The context's namespace, or the service account's namespace in a cluster.
    public var namespace: String?
    /// Where this came from, for messages: `kubeconfig <path>: cluster "<name>"`, or nil
    /// (in-cluster, built in code).
    public var origin: String?

    public init(
        server: String, caData: Data? = nil, caFile: String? = nil, insecureSkipTLSVerify: Bool = false,
        token: String? = nil, tokenFile: String? = nil,
        clientCertData: Data? = nil, clientCertFile: String? = nil,
        clientKeyData: Data? = nil, clientKeyFile: String? = nil, namespace: String? = nil
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.caData = caData
        self.caFile = caFile
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.token = token
        self.tokenFile = tokenFile
        self.clientCertData = clientCertData
        self.clientCertFile = clientCertFile
        self.clientKeyData = clientKeyData
        self.clientKeyFile = clientKeyFile
        self.namespace = namespace
    }

    /// Reads a kubeconfig file; `context` overrides its `current-context`.
    public static func load(path: String, context: String? = nil) throws -> KubeConfig {
        try KubeConfigFile.load(path: path, context: context)
    }

    /// The pod's service account: `KUBERNETES_SERVICE_HOST`/`_PORT`, `token`, `ca.crt` and
    /// `namespace` in `serviceAccountDir`.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDir: String = "/var/run/secrets/kubernetes.io/serviceaccount"
    ) throws -> KubeConfig {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeClientError.config(
                "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set")
        }
        guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
            throw KubeClientError.config("KUBERNETES_SERVICE_PORT \"\(port)\" is not a port number")
        }
        let tokenFile = PathText.join(serviceAccountDir, "token")
        guard FileManager.default.isReadableFile(atPath: tokenFile) else {
            throw KubeClientError.config("service account token \(tokenFile) is missing or unreadable")
        }
        let caFile = PathText.join(serviceAccountDir, "ca.crt")
        guard FileManager.default.isReadableFile(atPath: caFile) else {
            throw KubeClientError.config("service account CA \(caFile) is missing or unreadable")
        }
        let namespaceFile = PathText.join(serviceAccountDir, "namespace")
        let namespace = (try? String(contentsOfFile: namespaceFile, encoding: .utf8))?
            .trimmingWhitespace()
        // An IPv6 service address must be bracketed in a URL.
        let urlHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return KubeConfig(
            server: "https://\(urlHost):\(portNumber)", caFile: caFile, tokenFile: tokenFile,
            namespace: namespace?.isEmpty == false ? namespace : nil)
    }

    /// explicit path (flag) > $KUBECONFIG > in-cluster > ~/.kube/config.
    /// `$KUBECONFIG` may list several files (':'); the first that exists is used (no merging).
    public static func resolve(
        explicitPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> KubeConfig {
        if let explicitPath, !explicitPath.isEmpty {
            return try load(path: explicitPath)
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            let paths = list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
            guard let path = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw KubeClientError.config("KUBECONFIG names no existing file: \(list)")
            }
            return try load(path: path)
        }
        if environment["KUBERNETES_SERVICE_HOST"].map({ !$0.isEmpty }) ?? false {
            return try inCluster(environment: environment)
        }
        if let home = environment["HOME"], !home.isEmpty {
            let path = PathText.join(home, ".kube/config")
            if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        }
        throw KubeClientError.config(
            "no Kubernetes configuration: no --kubeconfig, KUBECONFIG unset, not in a cluster (KUBERNETES_SERVICE_HOST unset), and no ~/.kube/config")
    }
}
