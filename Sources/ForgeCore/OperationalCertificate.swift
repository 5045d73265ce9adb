/// A node operational certificate (`cardano-cli node issue-op-cert`): the cold key's
/// delegation to one KES key from one KES period on, with an issue counter the chain checks.
///
/// CBOR: `[[kes_vkey (32 B), issue_counter, kes_start_period, cold_signature (64 B)], cold_vkey (32 B)]`.
public struct OperationalCertificate: Equatable, Sendable {
    public static let envelopeType = "NodeOperationalCertificate"

    public var kesVerificationKey: [UInt8]
    public var issueCounter: UInt64
    public var kesStartPeriod: UInt64
    public var coldSignature: [UInt8]
    public var coldVerificationKey: [UInt8]

    public init(kesVerificationKey: [UInt8], issueCounter: UInt64, kesStartPeriod: UInt64,
                coldSignature: [UInt8], coldVerificationKey: [UInt8]) {
        self.kesVerificationKey = kesVerificationKey
        self.issueCounter = issueCounter
        self.kesStartPeriod = kesStartPeriod
        self.coldSignature = coldSignature
        self.coldVerificationKey = coldVerificationKey
    }

    /// Parses a certificate file's contents.
    public static func parse(_ contents: [UInt8], file: String) throws(CredentialFileError) -> OperationalCertificate {
        let envelope = try TextEnvelope.parse(contents, file: file, expectedType: envelopeType)
        return try decode(cbor: envelope.cbor, file: file)
    }

    public static func decode(cbor: [UInt8], file: String) throws(CredentialFileError) -> OperationalCertificate {
        func fail(_ problem: String) -> CredentialFileError { CredentialFileError(file: file, problem: "operational certificate: " + problem) }
        let value: CBORValue
        do { value = try CBORReader.decode(cbor) } catch { throw fail(error.description) }
        guard case .array(let outer) = value, outer.count == 2 else {
            throw fail("expected [certificate body, cold key], found \(value.kindName)")
        }
        guard case .array(let body) = outer[0], body.count == 4 else {
            throw fail("expected a body of 4 items, found \(outer[0].kindName)")
        }
        guard case .bytes(let kes) = body[0], kes.count == 32 else {
            throw fail("KES verification key: expected 32 bytes, found \(body[0].kindName)")
        }
        guard case .unsigned(let counter) = body[1] else {
            throw fail("issue counter: expected an unsigned integer, found \(body[1].kindName)")
        }
        guard case .unsigned(let start) = body[2] else {
            throw fail("KES start period: expected an unsigned integer, found \(body[2].kindName)")
        }
        guard case .bytes(let signature) = body[3], signature.count == 64 else {
            throw fail("cold key signature: expected 64 bytes, found \(body[3].kindName)")
        }
        guard case .bytes(let cold) = outer[1], cold.count == 32 else {
            throw fail("cold verification key: expected 32 bytes, found \(outer[1].kindName)")
        }
        return OperationalCertificate(kesVerificationKey: kes, issueCounter: counter, kesStartPeriod: start,
                                      coldSignature: signature, coldVerificationKey: cold)
    }
}
