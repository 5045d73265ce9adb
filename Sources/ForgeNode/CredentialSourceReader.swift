#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ForgeCore

/// Reads the credential files a reporter would install — the Secret's *source* files, so a
/// standby knows as much as the leader — and the Shelley genesis, for `CredentialAssessor`.
/// Never throws and never crashes on bad input: every problem becomes a `CredentialFileError`
/// naming its file. Key bytes stay inside this call; only derived facts leave it.
public struct CredentialSourceReader: Sendable {
    public let files: CredentialFiles
    public let genesisPath: String?
    /// Key and certificate files are tiny; anything larger is not read whole.
    static let credentialFileLimit = TextEnvelope.maximumFileSize

    public init(files: CredentialFiles, genesisPath: String?) {
        self.files = files
        self.genesisPath = genesisPath
    }

    /// The genesis parameters; read once by the caller (they never change while a node runs).
    public func readGenesis() -> Result<ShelleyGenesis, CredentialFileError>? {
        guard let genesisPath else { return nil }
        return Result { () throws(CredentialFileError) in
            try ShelleyGenesis.parse(try Self.contents(genesisPath, limit: ShelleyGenesis.maximumFileSize), file: genesisPath)
        }
    }

    public func observe(expectedPoolId: String?, genesis: Result<ShelleyGenesis, CredentialFileError>?,
                        slot: SlotObservation) -> CredentialObservation {
        let certPath = files.operationalCertificate.source
        var certSHA: String?
        let cert = Result { () throws(CredentialFileError) in
            let bytes = try Self.contents(certPath, limit: Self.credentialFileLimit)
            certSHA = SHA256.hex(bytes)
            return try OperationalCertificate.parse(bytes, file: certPath)
        }
        let kesPath = files.kesKey.source
        let kes = Result { () throws(CredentialFileError) in
            try KESSigningKey.parse(try Self.contents(kesPath, limit: Self.credentialFileLimit), file: kesPath)
        }
        let vrfPath = files.vrfKey.source
        let vrf = Result { () throws(CredentialFileError) in
            try VRFSigningKey.parse(try Self.contents(vrfPath, limit: Self.credentialFileLimit), file: vrfPath)
        }
        return CredentialObservation(operationalCertificate: cert, opcertSHA256: certSHA, kesKey: kes, vrfKey: vrf,
                                     expectedPoolId: expectedPoolId, genesis: genesis, slot: slot)
    }

    /// The file's bytes, or an error naming it (missing, unreadable, larger than `limit`, empty).
    static func contents(_ path: String, limit: Int) throws(CredentialFileError) -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try PosixFile.read(path, limit: limit) } catch let error as SystemError {
            if error.code == EFBIG { throw CredentialFileError(file: path, problem: "larger than the \(limit)-byte limit") }
            throw CredentialFileError(file: path, problem: "cannot \(error.operation): \(String(cString: strerror(error.code)))")
        } catch {
            throw CredentialFileError(file: path, problem: "cannot read: \(error)")
        }
        if bytes.isEmpty { throw CredentialFileError(file: path, problem: "file is empty") }
        return bytes
    }
}
