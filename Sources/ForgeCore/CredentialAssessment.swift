import FoundationEssentials

/// Everything one inspection of the source credentials observed. Built by the reporter's I/O
/// side; judged here without I/O.
public struct CredentialObservation: Sendable {
    public var operationalCertificate: Result<OperationalCertificate, CredentialFileError>
    public var opcertSHA256: String?
    public var kesKey: Result<KESSigningKey, CredentialFileError>
    public var vrfKey: Result<VRFSigningKey, CredentialFileError>
    /// The configured pool (hex), if any.
    public var expectedPoolId: String?
    /// nil: no genesis file configured.
    public var genesis: Result<ShelleyGenesis, CredentialFileError>?
    public var slot: SlotObservation

    public init(operationalCertificate: Result<OperationalCertificate, CredentialFileError>, opcertSHA256: String?,
                kesKey: Result<KESSigningKey, CredentialFileError>, vrfKey: Result<VRFSigningKey, CredentialFileError>,
                expectedPoolId: String?, genesis: Result<ShelleyGenesis, CredentialFileError>?, slot: SlotObservation) {
        self.operationalCertificate = operationalCertificate; self.opcertSHA256 = opcertSHA256
        self.kesKey = kesKey; self.vrfKey = vrfKey; self.expectedPoolId = expectedPoolId
        self.genesis = genesis; self.slot = slot
    }
}

/// The node's current slot, from its own metrics, and when it was read (wall clock).
public enum SlotObservation: Equatable, Sendable {
    case known(slot: UInt64, at: Date)
    case unknown(String)
}

/// BLAKE2b with a given digest length (28 for pool ids, 32 for KES verification keys). The
/// reporter passes libsodium's; ForgeCore stays free of C libraries.
public typealias Blake2bHash = @Sendable (_ input: [UInt8], _ digestLength: Int) -> [UInt8]

public enum CredentialAssessor {
    /// An expiry estimate that moves by less than this keeps its previous value: the slot metric
    /// lags the wall clock by up to a block interval, and a report that changes on every pass
    /// would be republished on every pass.
    public static let expiryStability: TimeInterval = 3600

    public static func assess(_ observation: CredentialObservation, previous: CredentialInspection? = nil,
                              blake2b: Blake2bHash) -> CredentialInspection {
        var result = CredentialInspection(verdict: .usable)
        var errors: [String] = []
        result.opcertSHA256 = observation.opcertSHA256

        var certificate: OperationalCertificate?
        switch observation.operationalCertificate {
        case .success(let cert):
            certificate = cert
            result.issueCounter = cert.issueCounter
            result.kesStartPeriod = cert.kesStartPeriod
            result.poolId = Hex.encode(blake2b(cert.coldVerificationKey, 28))
            if let expected = observation.expectedPoolId { result.poolIdMatches = result.poolId == expected.lowercased() }
        case .failure(let error): errors.append(error.description)
        }
        switch observation.kesKey {
        case .success(let key):
            if let certificate {
                result.kesKeyMatches = blake2b(Array(key.verificationKeyHashInput), 32) == certificate.kesVerificationKey
            }
        case .failure(let error): errors.append(error.description)
        }
        if case .failure(let error) = observation.vrfKey { errors.append(error.description) }

        var genesis: ShelleyGenesis?
        var genesisProblem: String?
        switch observation.genesis {
        case .success(let value)?: genesis = value
        case .failure(let error)?:
            errors.append(error.description)
            genesisProblem = error.description
        case nil: genesisProblem = "no Shelley genesis file configured (SHELLEY_GENESIS_FILE): KES window unknown"
        }
        if !errors.isEmpty { result.errors = errors }

        if let certificate, let genesis {
            result.kesEndPeriod = KESWindow.endPeriod(start: certificate.kesStartPeriod, genesis: genesis)
        }

        // Definite problems first, in the order an operator should fix them.
        let fileErrors = errors.filter { $0 != genesisProblem }
        if !fileErrors.isEmpty {
            return verdict(result, .cannotForge, .unreadable, fileErrors.joined(separator: "; "))
        }
        if result.poolIdMatches == false {
            return verdict(result, .cannotForge, .wrongPool,
                           "certificate belongs to pool \(result.poolId ?? "?"), not the configured \(observation.expectedPoolId ?? "?")")
        }
        if result.kesKeyMatches == false {
            return verdict(result, .cannotForge, .kesKeyMismatch, "the certificate was issued for another KES key")
        }
        guard let certificate, let genesis else {
            return verdict(result, .unknown, .genesisUnknown, genesisProblem ?? "KES window unknown")
        }
        guard case .known(let slot, let observedAt) = observation.slot else {
            if case .unknown(let why) = observation.slot {
                return verdict(result, .unknown, .slotUnknown, "current slot unknown (\(why)): KES expiry unknown")
            }
            return result
        }
        let window = KESWindow.at(slot: slot, start: certificate.kesStartPeriod, genesis: genesis)
        result.kesCurrentPeriod = window.currentPeriod
        result.kesPeriodsRemaining = window.periodsRemaining
        if window.secondsRemaining.isFinite {
            let estimate = observedAt.addingTimeInterval(window.secondsRemaining)
            if let old = previous?.kesExpiresAt, previous?.opcertSHA256 == result.opcertSHA256,
               let oldDate = RFC3339.parse(old), abs(oldDate.timeIntervalSince(estimate)) < expiryStability {
                result.kesExpiresAt = old
            } else {
                result.kesExpiresAt = RFC3339.format(estimate)
            }
        }
        switch window.position {
        case .expired:
            return verdict(result, .cannotForge, .kesExpired,
                           "KES period \(window.currentPeriod) is past the certificate's last period \(window.endPeriod - 1)")
        case .notYetValid:
            return verdict(result, .cannotForge, .kesNotYetValid,
                           "certificate starts at KES period \(window.startPeriod), the node is at \(window.currentPeriod)")
        case .valid:
            return result
        }
    }

    private static func verdict(_ base: CredentialInspection, _ verdict: CredentialVerdict, _ problem: CredentialProblem,
                                _ message: String) -> CredentialInspection {
        var result = base
        result.verdict = verdict
        result.reason = problem.rawValue
        result.message = message
        return result
    }
}
