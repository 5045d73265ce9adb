import ForgeCore
import FoundationEssentials

/// Parses a kubeconfig file (clusters, users, contexts) into a `KubeConfig`.
/// Every failure is a `KubeClientError.config` naming the file and the offending entry.
enum KubeConfigFile {
    static func load(path: String, context requestedContext: String?) throws -> KubeConfig {
        func fail(_ what: String) -> KubeClientError { .config("kubeconfig \(path): \(what)") }

        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw fail("cannot read the file (\(error))")
        }
        let parsed: JSONValue?
        do {
            parsed = try YAMLLoader.load(text)
        } catch {
            throw fail("not valid YAML at \(error)")
        }
        guard case .object(let root)? = parsed else { throw fail("the document is not a YAML mapping") }
        let directory = PathText.directory(of: path)

        let contextName: String
        if let requestedContext, !requestedContext.isEmpty {
            contextName = requestedContext
        } else if let current = root["current-context"]?.stringValue, !current.isEmpty {
            contextName = current
        } else {
            throw fail("no context requested and current-context is not set")
        }
        let context = try entry(root, list: "contexts", name: contextName, inner: "context", fail: fail)
        guard let clusterName = context["cluster"]?.stringValue, !clusterName.isEmpty else {
            throw fail("context \"\(contextName)\" names no cluster")
        }
        let cluster = try entry(root, list: "clusters", name: clusterName, inner: "cluster", fail: fail)
        let field = { (name: String) in "cluster \"\(clusterName)\" field \(name)" }

        guard let server = cluster["server"]?.stringValue, !server.isEmpty else {
            throw fail("\(field("server")) is missing")
        }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw fail("\(field("server")) \"\(server)\" is not an http(s) URL")
        }
        var config = KubeConfig(server: server)
        config.namespace = context["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        config.insecureSkipTLSVerify = try bool(cluster["insecure-skip-tls-verify"], field("insecure-skip-tls-verify"), fail)
        config.caData = try base64(cluster["certificate-authority-data"], field("certificate-authority-data"), fail)
        config.caFile = try file(cluster["certificate-authority"], field("certificate-authority"), directory, fail)
        config.origin = "kubeconfig \(path): cluster \"\(clusterName)\""
        // kubectl refuses this too: a CA that is then not checked gives a false sense of safety.
        if config.insecureSkipTLSVerify, config.caData != nil || config.caFile != nil {
            throw fail("cluster \"\(clusterName)\" sets insecure-skip-tls-verify together with certificate-authority\(config.caData != nil ? "-data" : ""); the CA would not be checked: remove one of them")
        }

        // A context without a user is anonymous access, which kubectl allows too.
        if let userName = context["user"]?.stringValue, !userName.isEmpty {
            let user = try entry(root, list: "users", name: userName, inner: "user", fail: fail)
            let field = { (name: String) in "user \"\(userName)\" field \(name)" }
            for unsupported in ["exec", "auth-provider", "username", "password"] where user[unsupported] != nil {
                throw fail("\(field(unsupported)) is not supported; use a token, tokenFile or client certificate")
            }
            config.token = try string(user["token"], field("token"), fail)
            config.tokenFile = try file(user["tokenFile"], field("tokenFile"), directory, fail)
            config.clientCertData = try base64(user["client-certificate-data"], field("client-certificate-data"), fail)
            config.clientCertFile = try file(user["client-certificate"], field("client-certificate"), directory, fail)
            config.clientKeyData = try base64(user["client-key-data"], field("client-key-data"), fail)
            config.clientKeyFile = try file(user["client-key"], field("client-key"), directory, fail)
            let hasCert = config.clientCertData != nil || config.clientCertFile != nil
            let hasKey = config.clientKeyData != nil || config.clientKeyFile != nil
            if hasCert != hasKey {
                throw fail("user \"\(userName)\" has a client \(hasCert ? "certificate without a key" : "key without a certificate")")
            }
        } else if context["user"] != nil, context["user"]?.stringValue == nil {
            throw fail("context \"\(contextName)\" field user is not a string")
        }
        return config
    }

    /// Finds `name` in a list like `clusters: [{name: x, cluster: {...}}]` and returns the inner map.
    private static func entry(
        _ root: [String: JSONValue], list: String, name: String, inner: String, fail: (String) -> KubeClientError
    ) throws -> [String: JSONValue] {
        let singular = String(list.dropLast())
        guard case .array(let items)? = root[list] else {
            throw fail("\(singular) \"\(name)\" not found (no \(list) list)")
        }
        for item in items {
            guard case .object(let map) = item, map["name"]?.stringValue == name else { continue }
            guard case .object(let body)? = map[inner] else {
                throw fail("\(singular) \"\(name)\" has no \(inner) mapping")
            }
            return body
        }
        throw fail("\(singular) \"\(name)\" not found")
    }

    private static func string(_ value: JSONValue?, _ field: String, _ fail: (String) -> KubeClientError) throws -> String? {
        guard let value, value != .null else { return nil }
        guard case .string(let text) = value else { throw fail("\(field) is not a string") }
        return text.isEmpty ? nil : text
    }

    private static func bool(_ value: JSONValue?, _ field: String, _ fail: (String) -> KubeClientError) throws -> Bool {
        guard let value, value != .null else { return false }
        guard case .bool(let flag) = value else { throw fail("\(field) is not a boolean") }
        return flag
    }

    private static func base64(_ value: JSONValue?, _ field: String, _ fail: (String) -> KubeClientError) throws -> Data? {
        guard let text = try string(value, field, fail) else { return nil }
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact), !data.isEmpty else {
            throw fail("\(field) is not valid base64")
        }
        return data
    }

    /// Relative paths are relative to the kubeconfig's directory, as kubectl resolves them.
    private static func file(
        _ value: JSONValue?, _ field: String, _ directory: String, _ fail: (String) -> KubeClientError
    ) throws -> String? {
        guard let path = try string(value, field, fail) else { return nil }
        let resolved = path.hasPrefix("/") ? path : PathText.join(directory, path)
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            throw fail("\(field) names \(resolved), which does not exist or is unreadable")
        }
        return resolved
    }
}
