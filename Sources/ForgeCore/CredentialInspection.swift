/// What a reporter learned from the credential files it would install (the Secret's source
/// files, read on every pod, standbys included), published as `credentials.source` in its
/// report. Every field is optional so that a report from an older reporter, or a field that
/// could not be worked out, simply leaves it out.
public struct CredentialInspection: Codable, Equatable, Sendable {
    public var verdict: CredentialVerdict
    /// CamelCase cause when not `usable` (see `CredentialProblem`).
    public var reason: String?
    public var message: String?
    /// Hex SHA-256 of the source certificate file: equals `credentials.sha256` once installed.
    public var opcertSHA256: String?
    public var issueCounter: UInt64?
    public var kesStartPeriod: UInt64?
    /// First KES period in which the certificate no longer forges (needs the genesis file).
    public var kesEndPeriod: UInt64?
    /// The node's KES period now (needs the genesis file and the node's slot metric).
    public var kesCurrentPeriod: UInt64?
    public var kesPeriodsRemaining: UInt64?
    /// RFC 3339 estimate of when the KES key stops forging.
    public var kesExpiresAt: String?
    /// Hex pool id the certificate belongs to (BLAKE2b-224 of its cold verification key).
    public var poolId: String?
    /// Whether `poolId` equals the configured pool; nil when no pool id is configured.
    public var poolIdMatches: Bool?
    /// Whether the KES signing key is the one the certificate was issued for.
    public var kesKeyMatches: Bool?
    /// Every file problem found, each naming its file.
    public var errors: [String]?

    public init(verdict: CredentialVerdict, reason: String? = nil, message: String? = nil) {
        self.verdict = verdict
        self.reason = reason
        self.message = message
    }
}

/// `cannotForge` only for definite problems; `unknown` blocks nothing.
public enum CredentialVerdict: String, Codable, Sendable, CaseIterable {
    case usable
    case cannotForge
    case unknown
}

/// Causes, as they appear in reports, status and conditions.
public enum CredentialProblem: String, Sendable, CaseIterable {
    // Definite: the node could not forge with these files.
    case unreadable = "Unreadable"
    case wrongPool = "WrongPool"
    case kesKeyMismatch = "KESKeyMismatch"
    case kesExpired = "KESExpired"
    case kesNotYetValid = "KESNotYetValid"
    // Unknown: nothing is wrong that we can see, but the clock is missing.
    case genesisUnknown = "GenesisUnknown"
    case slotUnknown = "SlotUnknown"
}
