import ForgeCore
import ForgeNode
import FoundationEssentials
import KubeClient
import Logging

/// What the controller reads from the credential inspection, synchronously (a fake in tests).
protocol CredentialInspectionSource: Sendable {
    /// The latest judgement of the Secret's source files; nil before the first inspection.
    var inspection: CredentialInspection? { get }
    /// The two latest scrapes of the node's metrics, oldest first (for the metric confirmation).
    var nodeScrapes: [NodeMetricsScrape] { get }
}

/// One scrape of cardano-node's Prometheus endpoint, stamped on our monotonic clock.
struct NodeMetricsScrape: Equatable, Sendable {
    var at: MonotonicInstant
    var reading: NodeMetrics.Reading
}

/// Reads the credentials this pod would install (the Secret's source files, on every pod) and
/// the node's slot, on its own timer, and judges them (`CredentialAssessor`). The controller
/// only reads the latest result; a slow node endpoint never delays a pass.
///
/// A `cannotForge` verdict is confirmed by reading the files again at once before it counts: a
/// Secret update swaps all files together, but three separate reads may straddle the swap
/// (new certificate, old KES key) and must not make a forging leader step down.
final class CredentialInspector: CredentialInspectionSource, @unchecked Sendable {
    struct Settings: Sendable {
        var reader: CredentialSourceReader
        var expectedPoolId: String?
        /// nil: NODE_METRICS_URL is off, the slot is unknown.
        var metricsURL: String?
        var interval: Duration
        var metricsTimeout: Duration = .seconds(2)
    }

    /// Node metrics pages are tens of KiB; this bounds a misdirected URL.
    static let maxMetricsBytes = 4 << 20

    private let settings: Settings
    private let metrics: CredentialMetrics
    private let clock: MonotonicClock
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private let state = Locked<(inspection: CredentialInspection?, scrapes: [NodeMetricsScrape], genesis: Result<ShelleyGenesis, CredentialFileError>??)>(
        (nil, [], nil))

    init(settings: Settings, metrics: CredentialMetrics, clock: MonotonicClock,
         wallClock: @escaping @Sendable () -> Date = { Date() }, logger: Logger) {
        self.settings = settings
        self.metrics = metrics
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
    }

    var inspection: CredentialInspection? { state.withLock { $0.inspection } }
    var nodeScrapes: [NodeMetricsScrape] { state.withLock { $0.scrapes } }

    func run() async {
        while !Task.isCancelled {
            await refresh()
            try? await Task.sleep(for: settings.interval)
        }
    }

    /// One inspection: scrape the node, read the files, judge, publish.
    func refresh() async {
        let slot = await scrapeNode()
        let genesis = loadGenesis()
        let previous = inspection
        var result = assess(slot: slot, genesis: genesis, previous: previous)
        if result.verdict == .cannotForge {
            // Confirm with a second read: if the first straddled a Secret swap, this one does not.
            result = assess(slot: slot, genesis: genesis, previous: previous)
        }
        if result.verdict != previous?.verdict || result.reason != previous?.reason || result.opcertSHA256 != previous?.opcertSHA256 {
            let level: Logger.Level = result.verdict == .cannotForge ? .error : (result.verdict == .unknown ? .warning : .notice)
            logger.log(level: level, "credentials: \(result.verdict.rawValue)", metadata: [
                "reason": "\(result.reason ?? "")", "detail": "\(result.message ?? "")",
                "counter": "\(result.issueCounter.map(String.init) ?? "?")",
                "kesPeriodsRemaining": "\(result.kesPeriodsRemaining.map(String.init) ?? "?")"])
        }
        state.withLock { $0.inspection = result }
        metrics.update(result)
    }

    private func assess(slot: SlotObservation, genesis: Result<ShelleyGenesis, CredentialFileError>?,
                        previous: CredentialInspection?) -> CredentialInspection {
        let observation = settings.reader.observe(expectedPoolId: settings.expectedPoolId, genesis: genesis, slot: slot)
        return CredentialAssessor.assess(observation, previous: previous, blake2b: Blake2b.function)
    }

    /// The genesis is read until it parses, then kept: it does not change while a node runs.
    private func loadGenesis() -> Result<ShelleyGenesis, CredentialFileError>? {
        if case .some(.some(.success(let genesis))) = state.withLock({ $0.genesis }) { return .success(genesis) }
        let loaded = settings.reader.readGenesis()
        state.withLock { $0.genesis = .some(loaded) }
        if case .failure(let error)? = loaded { logger.warning("Shelley genesis unusable: \(error)") }
        return loaded
    }

    private func scrapeNode() async -> SlotObservation {
        guard let metricsURL = settings.metricsURL else { return .unknown("NODE_METRICS_URL is off") }
        let result = await HTTPProbe.get(url: metricsURL, timeout: settings.metricsTimeout,
                                         maxBodyBytes: Self.maxMetricsBytes)
        let at = clock.now()
        let wall = wallClock()
        guard result.isSuccess else {
            state.withLock { $0.scrapes = [] }
            // The report carries a stable reason (libcurl's text varies from pass to pass, e.g.
            // "after 0 ms", and a changing report would be republished on every pass); the
            // detail goes to the debug log.
            logger.debug("node metrics unreachable", metadata: ["url": "\(metricsURL)", "error": "\(result.error ?? "")"])
            let answer = result.status.map { "answered HTTP \($0)" } ?? "unreachable"
            return .unknown("node metrics \(metricsURL) \(answer)")
        }
        let reading = NodeMetrics.read(prometheusText: String(decoding: result.body, as: UTF8.self))
        state.withLock { $0.scrapes = Array(($0.scrapes + [NodeMetricsScrape(at: at, reading: reading)]).suffix(2)) }
        guard let slot = reading.slot else { return .unknown("no \(NodeMetrics.slotNumberName) in \(metricsURL)") }
        return .known(slot: slot, at: wall)
    }
}

extension CredentialInspectionSource {
    /// Evidence from the node's own metrics that it runs leadership checks — which it does only
    /// with forging credentials — after `since`: two scrapes taken after it, the later with more
    /// checks, and forging_enabled not 0.
    func leadershipChecksAdvanced(since: MonotonicInstant) -> Bool {
        let scrapes = nodeScrapes
        guard scrapes.count == 2, scrapes[0].at > since,
              let before = scrapes[0].reading.leadershipChecks, let after = scrapes[1].reading.leadershipChecks else { return false }
        return after > before && scrapes[1].reading.forgingEnabled != false
    }
}

extension CredentialInspector.Settings {
    /// The reporter's source files, genesis, node metrics and pool; refreshed every SLEEP_INTERVAL.
    static func forReporter(_ config: ReporterConfig) -> Self {
        Self(reader: CredentialSourceReader(
                files: CredentialFiles(
                    kesKey: .init(source: config.sourceKESKey, target: config.targetKESKey),
                    vrfKey: .init(source: config.sourceVRFKey, target: config.targetVRFKey),
                    operationalCertificate: .init(source: config.sourceOpCert, target: config.targetOpCert)),
                genesisPath: config.shelleyGenesisFile),
             expectedPoolId: config.expectedPoolIdHex, metricsURL: config.nodeMetricsURL, interval: config.sleepInterval)
    }
}
