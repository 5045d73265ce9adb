import FoundationEssentials

/// The report every `forge-reporter` publishes on its own pod, in the annotation
/// `cardano.io/forge-report` (ARCHITECTURE.md §5). One compact JSON object with sorted keys, so
/// two reports with the same content are byte-identical and a diff shows real changes only.
///
/// The reporter is the only writer; the aggregator only reads, through `decode(annotation:)`,
/// which never throws or traps: an unreadable report becomes a `ReportParseError` the
/// aggregator surfaces. Readers ignore fields they do not know, so a newer reporter can add
/// optional fields without a schema bump; removing or retyping a field needs a new version.
public struct ForgeReport: Codable, Equatable, Sendable {
    /// The annotation key on the pod.
    public static let annotationKey = "cardano.io/forge-report"
    /// The only version this build writes and reads.
    public static let currentSchemaVersion = 1
    /// Upper bound of an annotation value we accept (Kubernetes allows 256 KiB for all
    /// annotations together; a report is a few hundred bytes, so anything this large is broken).
    public static let maximumEncodedSize = 16 * 1024

    public var schemaVersion: Int
    public var pod: String
    public var nodeName: String?
    public var network: String?
    public var poolId: String?
    public var region: String?
    /// Incremented on every publish. Readers judge freshness by when they saw it change, on
    /// their own clock, never by `reportedAt`.
    public var sequence: Int64
    /// RFC 3339, informational only.
    public var reportedAt: String?
    public var leadership: Leadership
    public var forging: Forging
    public var socket: Socket
    public var process: Process
    public var credentials: Credentials
    public var phase: Phase
    public var lastError: String?

    public init(
        pod: String, nodeName: String? = nil, network: String? = nil, poolId: String? = nil,
        region: String? = nil, sequence: Int64 = 0, reportedAt: String? = nil,
        leadership: Leadership, forging: Forging, socket: Socket, process: Process,
        credentials: Credentials, phase: Phase, lastError: String? = nil
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.pod = pod
        self.nodeName = nodeName
        self.network = network
        self.poolId = poolId
        self.region = region
        self.sequence = sequence
        self.reportedAt = reportedAt
        self.leadership = leadership
        self.forging = forging
        self.socket = socket
        self.process = process
        self.credentials = credentials
        self.phase = phase
        self.lastError = lastError
    }

    /// What the reporter knows about the pool's Lease.
    public struct Leadership: Codable, Equatable, Sendable {
        /// Identity of the holder as last observed (this pod's name when it leads), nil if none.
        public var holder: String?
        public var leaseName: String
        public var transitions: Int
        /// RFC 3339; set while this pod holds the Lease.
        public var acquiredAt: String?

        public init(holder: String?, leaseName: String, transitions: Int, acquiredAt: String? = nil) {
            self.holder = holder
            self.leaseName = leaseName
            self.transitions = transitions
            self.acquiredAt = acquiredAt
        }
    }

    /// Whether this pod's cardano-node forges, and what evidence backs the claim.
    public struct Forging: Codable, Equatable, Sendable {
        public var enabled: Bool
        public var confirmedBy: Confirmation
        /// RFC 3339 of the last change of `enabled`.
        public var since: String?

        public init(enabled: Bool, confirmedBy: Confirmation, since: String? = nil) {
            self.enabled = enabled
            self.confirmedBy = confirmedBy
            self.since = since
        }
    }

    public enum Confirmation: String, Codable, Sendable, CaseIterable {
        /// The node logged "Performing block forging reconfiguration" after our SIGHUP.
        case sighupLog = "sighup-log"
        /// The node's `cardano_node_metrics_forging_enabled` metric agreed.
        case metric
        /// Keys changed and the SIGHUP was delivered; no further evidence.
        case none
    }

    public struct Socket: Codable, Equatable, Sendable {
        public var path: String
        public var healthy: Bool
        public var checkedAt: String?

        public init(path: String, healthy: Bool, checkedAt: String? = nil) {
            self.path = path
            self.healthy = healthy
            self.checkedAt = checkedAt
        }
    }

    public struct Process: Codable, Equatable, Sendable {
        public var pid: Int32?
        public var found: Bool
        /// Whether the node's command line carries `--start-as-non-producing-node`.
        public var nonProducingFlag: Bool?

        public init(pid: Int32?, found: Bool, nonProducingFlag: Bool? = nil) {
            self.pid = pid
            self.found = found
            self.nonProducingFlag = nonProducingFlag
        }
    }

    public struct Credentials: Codable, Equatable, Sendable {
        public var state: CredentialState
        /// Hex SHA-256 of the installed operational certificate (never of a secret key).
        public var sha256: String?
        public var lastChange: String?
        /// What the Secret's source files hold and whether they can forge (every pod, standbys
        /// too). Optional: reports from older reporters lack it.
        public var source: CredentialInspection?

        public init(state: CredentialState, sha256: String? = nil, lastChange: String? = nil,
                    source: CredentialInspection? = nil) {
            self.state = state
            self.sha256 = sha256
            self.lastChange = lastChange
            self.source = source
        }
    }

    public enum CredentialState: String, Codable, Sendable, CaseIterable {
        case present, absent, partial, error
    }

    public enum Phase: String, Codable, Sendable, CaseIterable {
        case starting, standby, leader, forging, fenced, stopping, error
    }
}

extension ForgeReport {
    /// The annotation value: compact JSON with sorted keys. `lastError` is cut to
    /// `maximumLastErrorBytes`, so an error text (a long OS message, a path list) can never
    /// push the report toward `maximumEncodedSize`, beyond which readers refuse it.
    public func annotationValue() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bounded = self
        bounded.lastError = lastError.map { Self.truncatedError($0) }
        let data = try encoder.encode(bounded)
        return String(decoding: data, as: UTF8.self)
    }

    /// The most UTF-8 bytes of `lastError` a report carries (JSON escaping can at most
    /// sixfold it; the rest of a report is well under 2 KiB).
    public static let maximumLastErrorBytes = 1024

    /// `text` if it fits in `limit` UTF-8 bytes; otherwise its longest prefix of whole
    /// characters that fits together with a marker saying how much was cut.
    public static func truncatedError(_ text: String, limit: Int = maximumLastErrorBytes) -> String {
        let total = text.utf8.count
        guard total > limit else { return text }
        let marker = "… (truncated, \(total) bytes)"
        let budget = max(limit - marker.utf8.count, 0)
        var kept = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            if kept + size > budget { break }
            kept += size
            end = text.index(after: index)
        }
        return String(text[..<end]) + marker
    }

    /// RFC 3339 with milliseconds in UTC, the format of every timestamp in the report.
    public static func timestamp(_ date: Date) -> String {
        RFC3339.formatMillis(date)
    }
}
