import Foundation
import Yams

/// Parses a kubeconfig file (clusters, users, contexts) into a `KubeConfig`.
/// Every failure is a `KubeClientError.config` naming the file and the offending entry.
enum KubeConfigFile {
    static func load(path: String, context requestedContext: String?) throws -> KubeConfig {
        func fail(_ what: String) -> KubeClientError { .config("kubeconfig \(path): \(what)") }

        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw fail("cannot read the file (\(error.localizedDescription))")
        }
        let parsed: Any?
        do {
            parsed = try Yams.load(yaml: text)
        } catch {
            throw fail("not valid YAML: \(error)")
        }
        guard let root = parsed as? [String: Any] else { throw fail("the document is not a YAML mapping") }
        let directory = (path as NSString).deletingLastPathComponent

        let contextName: String
        if let requestedContext, !requestedContext.isEmpty {
            contextName = requestedContext
        } else if let current = root["current-context"] as? String, !current.isEmpty {
            contextName = current
        } else {
            throw fail("no context requested and current-context is not set")
        }
        let context = try entry(root, list: "contexts", name: contextName, inner: "context", fail: fail)
        guard let clusterName = context["cluster"] as? String, !clusterName.isEmpty else {
            throw fail("context \"\(contextName)\" names no cluster")
        }
        let cluster = try entry(root, list: "clusters", name: clusterName, inner: "cluster", fail: fail)
        let field = { (name: String) in "cluster \"\(clusterName)\" field \(name)" }

        guard let server = cluster["server"] as? String, !server.isEmpty else {
            throw fail("\(field("server")) is missing")
        }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw fail("\(field("server")) \"\(server)\" is not an http(s) URL")
        }
        var config = KubeConfig(server: server)
        config.namespace = (context["namespace"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        config.insecureSkipTLSVerify = try bool(cluster["insecure-skip-tls-verify"], field("insecure-skip-tls-verify"), fail)
        config.caData = try base64(cluster["certificate-authority-data"], field("certificate-authority-data"), fail)
        config.caFile = try file(cluster["certificate-authority"], field("certificate-authority"), directory, fail)
        config.origin = "kubeconfig \(path): cluster \"\(clusterName)\""
        // kubectl refuses this too: a CA that is then not checked gives a false sense of safety.
        if config.insecureSkipTLSVerify, config.caData != nil || config.caFile != nil {
            throw fail("cluster \"\(clusterName)\" sets insecure-skip-tls-verify together with certificate-authority\(config.caData != nil ? "-data" : ""); the CA would not be checked: remove one of them")
        }

        // A context without a user is anonymous access, which kubectl allows too.
        if let userName = context["user"] as? String, !userName.isEmpty {
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
        } else if context["user"] != nil, !(context["user"] is String) {
            throw fail("context \"\(contextName)\" field user is not a string")
        }
        return config
    }

    /// Finds `name` in a list like `clusters: [{name: x, cluster: {...}}]` and returns the inner map.
    private static func entry(
        _ root: [String: Any], list: String, name: String, inner: String, fail: (String) -> KubeClientError
    ) throws -> [String: Any] {
        let singular = String(list.dropLast())
        guard let items = root[list] as? [Any] else {
            throw fail("\(singular) \"\(name)\" not found (no \(list) list)")
        }
        for item in items {
            guard let map = item as? [String: Any], (map["name"] as? String) == name else { continue }
            guard let body = map[inner] as? [String: Any] else {
                throw fail("\(singular) \"\(name)\" has no \(inner) mapping")
            }
            return body
        }
        throw fail("\(singular) \"\(name)\" not found")
    }

    private static func string(_ value: Any?, _ field: String, _ fail: (String) -> KubeClientError) throws -> String? {
        guard let value else { return nil }
        guard let text = value as? String else { throw fail("\(field) is not a string") }
        return text.isEmpty ? nil : text
    }

    private static func bool(_ value: Any?, _ field: String, _ fail: (String) -> KubeClientError) throws -> Bool {
        guard let value else { return false }
        guard let flag = value as? Bool else { throw fail("\(field) is not a boolean") }
        return flag
    }

    private static func base64(_ value: Any?, _ field: String, _ fail: (String) -> KubeClientError) throws -> Data? {
        guard let text = try string(value, field, fail) else { return nil }
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact), !data.isEmpty else {
            throw fail("\(field) is not valid base64")
        }
        return data
    }

    /// Relative paths are relative to the kubeconfig's directory, as kubectl resolves them.
    private static func file(
        _ value: Any?, _ field: String, _ directory: String, _ fail: (String) -> KubeClientError
    ) throws -> String? {
        guard let path = try string(value, field, fail) else { return nil }
        let resolved = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            throw fail("\(field) names \(resolved), which does not exist or is unreadable")
        }
        return resolved
    }
}
