/// Failures that are not answers from the API server: configuration, transport, timeouts,
/// undecodable responses and cancellation. Messages name the file, field or URL involved so
/// an operator can act on them without a debugger.
public enum KubeClientError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Bad or missing kubeconfig / service-account material; the message names the file and field.
    case config(String)
    /// Connection refused/reset, DNS, TLS and other transport failures (libcurl message + URL).
    case transport(String)
    /// Connect timeout, total request timeout or watch idle timeout exceeded.
    case timeout(String)
    /// A response that is not what the API promises (non-JSON, undecodable), with a short snippet.
    case invalidResponse(String)
    /// The calling task was cancelled.
    case cancelled

    public var description: String {
        switch self {
        case .config(let message): return "kubernetes client configuration error: \(message)"
        case .transport(let message): return "kubernetes transport error: \(message)"
        case .timeout(let message): return "kubernetes request timed out: \(message)"
        case .invalidResponse(let message): return "invalid response from the API server: \(message)"
        case .cancelled: return "kubernetes request cancelled"
        }
    }
}
