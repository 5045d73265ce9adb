/// Whether a connection authenticates the API server. An unauthenticated one (plain
/// `http://`, or `insecure-skip-tls-verify`) lets anyone on the path answer in its name: for a
/// peer region that answer decides whether this region starts forging, so the binaries
/// refuse such configurations unless the operator opted in explicitly.
extension KubeConfig {
    /// What makes this connection unauthenticated (empty: verified TLS).
    public var transportWeaknesses: [String] {
        var weaknesses: [String] = []
        if server.lowercased().hasPrefix("http://") { weaknesses.append("server \(server) is plain http://") }
        if insecureSkipTLSVerify { weaknesses.append("insecure-skip-tls-verify is true (the server certificate is not verified)") }
        return weaknesses
    }

    /// Throws a config error naming the kubeconfig entry and `optIn` (the flag or setting that
    /// would allow it) unless the connection is verified TLS or `allowInsecure` is set.
    public func requireVerifiedTransport(allowInsecure: Bool, optIn: String) throws {
        let weaknesses = transportWeaknesses
        guard !weaknesses.isEmpty, !allowInsecure else { return }
        throw KubeClientError.config(
            "\(origin ?? "API server \(server)"): \(weaknesses.joined(separator: "; ")); refused because anyone on the network path could answer for the API server (set \(optIn) to accept it)")
    }
}
