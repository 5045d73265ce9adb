/// Tuning of a `KubernetesClient`. Defaults follow client-go (qps 5, burst 10).
public struct KubeClientOptions: Sendable {
    /// Client-side rate limit: sustained requests per second (<= 0 disables limiting).
    public var qps: Double
    /// Requests that may be sent at once before the rate applies.
    public var burst: Int
    public var connectTimeout: Duration
    /// Total time for one request attempt (not applied to watch streams).
    public var requestTimeout: Duration
    /// Retries for idempotent requests (GET, list, watch establishment) on 429, 5xx and
    /// connection errors; any verb is retried only when the connection was never made.
    public var maxRetries: Int
    public var userAgent: String
    /// A watch stream that delivers no byte for this long is treated as dead (half-open TCP).
    public var watchIdleTimeout: Duration

    public init(
        qps: Double = 5, burst: Int = 10,
        connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(30),
        maxRetries: Int = 4, userAgent: String = "cardano-forge-manager",
        watchIdleTimeout: Duration = .seconds(120)
    ) {
        self.qps = qps
        self.burst = burst
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxRetries = maxRetries
        self.userAgent = userAgent
        self.watchIdleTimeout = watchIdleTimeout
    }
}
