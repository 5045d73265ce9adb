import Foundation

/// The faults the campaign (`forge-sandbox chaos`) injects, one per episode.
///
/// Faults aimed at "the forger" hit the pod whose stand-in node forges when the episode starts
/// (the interesting victim); `crash-standby` hits one of the others.
enum ChaosFaultKind: String, CaseIterable, Sendable {
    case crashPod = "crash-pod"
    case crashReporter = "crash-reporter"
    case sigtermPod = "sigterm-pod"
    case freezeReporter = "freeze-reporter"
    case freezePod = "freeze-pod"
    case hangAPI = "hang-api"
    case leaseWriteErrors = "lease-write-errors"
    case watchCut = "watch-cut-410"
    case latency = "api-latency"
    case decoyNode = "decoy-node"
    case crashStandby = "crash-standby"
    case crashNode = "crash-node"
    case killAggregator = "kill-aggregator"
    case freezeAggregator = "freeze-aggregator"

    /// One line for `--help` and the table's legend.
    var summary: String {
        switch self {
        case .crashPod: "SIGKILL node, reporter and guard of the forger (restarted after the crash back-off)"
        case .crashReporter: "SIGKILL the forger's reporter; restart it in the same pod (same fence file, keys dir) after 0-3 s"
        case .sigtermPod: "SIGTERM the forger's node, then its reporter and guard (as the kubelet stops a pod); start them again"
        case .freezeReporter: "SIGSTOP the forger's reporter for the fault duration, then SIGCONT"
        case .freezePod: "SIGSTOP node, reporter and guard of the forger for the fault duration, then SIGCONT"
        case .hangAPI: "every API request hangs unanswered for the fault duration"
        case .leaseWriteErrors: "Lease writes (POST/PUT/PATCH) answer 500, 503 or 429 for the fault duration: every writer's, or only the forger's renewals"
        case .watchCut: "compact the history and cut every watch (relists after 410) every 0.5-2 s for the fault duration"
        case .latency: "every API request is delayed 0.2-2 s for the fault duration"
        case .decoyNode: "a second process with the forger's node name and --socket-path lives for the fault duration (at least 8 s); the forger's Lease renewals fail meanwhile, so a standby takes the Lease while it lives"
        case .crashStandby: "SIGKILL node, reporter and guard of a pod that does not forge"
        case .crashNode: "SIGKILL only the forger's node (restarted after the crash back-off, non-producing)"
        case .killAggregator: "SIGKILL the forge-aggregator (restarted after the crash back-off)"
        case .freezeAggregator: "SIGSTOP the forge-aggregator for the fault duration, then SIGCONT"
        }
    }

    /// Whole-pod freeze is the one fault that may overlap: a frozen node cannot be told to stop
    /// and its Lease expires. What is bounded is the overlap after it resumes.
    var mayOverlap: Bool { self == .freezePod }
}

/// Everything random about one episode, drawn from the seeded generator before it starts, so
/// a seed replays the same sequence of faults whatever the timing.
struct ChaosPlan: Sendable {
    var kind: ChaosFaultKind
    /// How long a lasting fault lasts (freeze, hang, error burst, latency, decoy).
    var seconds: Double
    /// Fault-specific choice: which standby, which HTTP status, how much latency, restart delay.
    var variant: Double
    /// A second choice: whether Lease write errors hit every writer or only the forger.
    var choice: Double

    static func draw(from kinds: [ChaosFaultKind], durations: ClosedRange<Double>,
                     using rng: inout SplitMix64) -> ChaosPlan {
        let kind = kinds[Int(rng.next() % UInt64(kinds.count))]
        let seconds = durations.lowerBound + (durations.upperBound - durations.lowerBound) * rng.unit()
        return ChaosPlan(kind: kind, seconds: (seconds * 10).rounded() / 10, variant: rng.unit(), choice: rng.unit())
    }

    var description: String {
        switch kind {
        case .freezeReporter, .freezePod, .hangAPI, .watchCut, .freezeAggregator:
            String(format: "%@ %.1f s", kind.rawValue, seconds)
        case .leaseWriteErrors:
            String(format: "%@ %.1f s (HTTP %d, %@)", kind.rawValue, seconds, leaseErrorStatus,
                   onlyForger ? "the forger's writes" : "every writer")
        case .latency: String(format: "%@ %.1f s (+%.1f s per request)", kind.rawValue, seconds, latency)
        case .decoyNode: String(format: "%@ %.1f s", kind.rawValue, decoySeconds)
        case .crashReporter: String(format: "%@ (restart after %.1f s)", kind.rawValue, reporterRestartDelay)
        default: kind.rawValue
        }
    }

    var onlyForger: Bool { choice >= 0.5 }
    var decoySeconds: Double { max(seconds, ChaosFaults.decoyMinimumSeconds) }
    var leaseErrorStatus: Int { [500, 503, 429][min(2, Int(variant * 3))] }
    var latency: Double { ((0.2 + 1.8 * variant) * 10).rounded() / 10 }
    var reporterRestartDelay: Double { ((3 * variant) * 10).rounded() / 10 }
}

/// SplitMix64: a tiny, well-known generator whose whole state is the seed, so `--seed` replays.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
