/// The KES signing key cardano-node forges with (`KesSigningKey_ed25519_kes_2^6`): Sum6KES, 608
/// bytes as one CBOR byte string. Its last 64 bytes are the two halves' verification keys, whose
/// BLAKE2b-256 is the key's verification key — what the operational certificate names.
public struct KESSigningKey: Equatable, Sendable {
    public static let envelopeType = "KesSigningKey_ed25519_kes_2^6"
    /// Sum6 over Ed25519: 32 + 6 × (32-byte seed + 2 × 32-byte verification keys).
    public static let size = 608

    public var raw: [UInt8]

    public init(raw: [UInt8]) { self.raw = raw }

    /// `vk_0 || vk_1` of the top level; BLAKE2b-256 of it is the KES verification key.
    public var verificationKeyHashInput: ArraySlice<UInt8> { raw[(raw.count - 64)...] }

    public static func parse(_ contents: [UInt8], file: String) throws(CredentialFileError) -> KESSigningKey {
        KESSigningKey(raw: try singleByteString(contents, file: file, type: envelopeType, size: size, what: "KES signing key"))
    }
}

/// The VRF signing key (`VrfSigningKey_PraosVRF`): 64 bytes. Only its form is checked; whether
/// it is the pool's registered VRF key is known only to the chain.
public struct VRFSigningKey: Equatable, Sendable {
    public static let envelopeType = "VrfSigningKey_PraosVRF"
    public static let size = 64

    public var raw: [UInt8]

    public init(raw: [UInt8]) { self.raw = raw }

    public static func parse(_ contents: [UInt8], file: String) throws(CredentialFileError) -> VRFSigningKey {
        VRFSigningKey(raw: try singleByteString(contents, file: file, type: envelopeType, size: size, what: "VRF signing key"))
    }
}

/// An envelope whose CBOR is one byte string of exactly `size` bytes.
func singleByteString(_ contents: [UInt8], file: String, type: String, size: Int, what: String) throws(CredentialFileError) -> [UInt8] {
    let envelope = try TextEnvelope.parse(contents, file: file, expectedType: type)
    let value: CBORValue
    do { value = try CBORReader.decode(envelope.cbor) } catch {
        throw CredentialFileError(file: file, problem: "\(what): \(error.description)")
    }
    guard case .bytes(let bytes) = value, bytes.count == size else {
        throw CredentialFileError(file: file, problem: "\(what): expected a byte string of \(size) bytes, found \(value.kindName)")
    }
    return bytes
}
