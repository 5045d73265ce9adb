import FoundationEssentials

/// TLS material for a transport: CA and client identity, each from a file or from memory.
struct TLSSettings: Sendable {
    var caFile: String?
    var caData: Data?
    var insecureSkipVerify = false
    var clientCertFile: String?
    var clientCertData: Data?
    var clientKeyFile: String?
    var clientKeyData: Data?
}

/// One HTTP exchange as libcurl will perform it.
struct TransportRequest: Sendable {
    var method: String
    var url: String
    var headers: [String]
    var body: Data?
    var connectTimeout: Duration
    /// Total time limit; nil for streams (watches), which use `idleTimeout` instead.
    var totalTimeout: Duration?
    /// Abort when no byte arrived for this long (tracked in the progress callback).
    var idleTimeout: Duration?
    /// Bodies beyond this are truncated (probes read only what they need).
    var maxBodyBytes: Int = 256 << 20
}

struct TransportResponse: Sendable {
    var status: Int
    /// Lower-cased header names of the final response.
    var headers: [String: String]
    var body: Data
}

/// Why a transfer failed, classified for the retry policy.
struct TransportFailure: Error, Sendable {
    enum Kind: Sendable {
        /// No connection was made, so nothing was sent: safe to retry any verb.
        case connectFailed
        /// The connection broke after the request may have been sent: retry reads only.
        case connectionLost
        case timeout
        case idleTimeout
        case cancelled
        /// The stream consumer refused data (e.g. an undecodable event).
        case consumerAborted
        /// TLS verification and other failures that a retry will not fix.
        case other
    }

    var kind: Kind
    var message: String

    var clientError: Error {
        switch kind {
        case .timeout, .idleTimeout: return KubeClientError.timeout(message)
        case .cancelled: return KubeClientError.cancelled
        default: return KubeClientError.transport(message)
        }
    }
}
