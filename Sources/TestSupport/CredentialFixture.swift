import Foundation

/// Test credentials made on the spot: a random cold verification key, KES signing key (608 bytes,
/// the shape of `KesSigningKey_ed25519_kes_2^6`) and VRF signing key, with the operational
/// certificate's CBOR built by hand here. The two BLAKE2b digests (pool id, KES verification key)
/// come from Python's `hashlib`, an implementation independent of the libsodium the code under
/// test uses, so a fixture cross-checks it.
public struct CredentialFixture: Sendable {
    public var coldVerificationKey: [UInt8]
    public var kesSigningKey: [UInt8]
    public var vrfSigningKey: [UInt8]
    /// BLAKE2b-256 of the KES key's last 64 bytes, by hashlib.
    public var kesVerificationKey: [UInt8]
    /// BLAKE2b-224 of the cold key, by hashlib: hex and bech32 (`pool1...`).
    public var poolIdHex: String
    public var poolIdBech32: String
    /// The certificate's cold-key signature: random (nothing here verifies it) but fixed, so
    /// the same counter and period always give the same certificate file.
    public var coldSignature: [UInt8] = randomBytes(64)

    public static func generate() throws -> CredentialFixture {
        let cold = randomBytes(32)
        let kes = randomBytes(608)
        let digests = try pythonDigests(cold: cold, kes: kes)
        return CredentialFixture(coldVerificationKey: cold, kesSigningKey: kes, vrfSigningKey: randomBytes(64),
                                 kesVerificationKey: digests.kesVKey, poolIdHex: digests.poolHex,
                                 poolIdBech32: digests.poolBech32)
    }

    /// The same pool (cold key) with a fresh KES key: what a rotation installs.
    public func rotatedKESKey() throws -> CredentialFixture {
        var next = self
        next.kesSigningKey = Self.randomBytes(608)
        next.coldSignature = Self.randomBytes(64)
        next.kesVerificationKey = try Self.pythonDigests(cold: coldVerificationKey, kes: next.kesSigningKey).kesVKey
        return next
    }

    // MARK: CBOR and envelopes

    /// `[[kes_vkey, counter, kes_period, sigma], cold_vkey]`.
    public func operationalCertificateCBOR(counter: UInt64, kesPeriod: UInt64, kesVKey: [UInt8]? = nil) -> [UInt8] {
        CBOR.array([
            CBOR.array([CBOR.bytes(kesVKey ?? kesVerificationKey), CBOR.unsigned(counter), CBOR.unsigned(kesPeriod),
                        CBOR.bytes(coldSignature)]),
            CBOR.bytes(coldVerificationKey),
        ])
    }

    public func operationalCertificate(counter: UInt64, kesPeriod: UInt64) -> String {
        Self.envelope(type: "NodeOperationalCertificate", cbor: operationalCertificateCBOR(counter: counter, kesPeriod: kesPeriod))
    }

    public var kesKeyEnvelope: String { Self.envelope(type: "KesSigningKey_ed25519_kes_2^6", cbor: CBOR.bytes(kesSigningKey)) }
    public var vrfKeyEnvelope: String { Self.envelope(type: "VrfSigningKey_PraosVRF", cbor: CBOR.bytes(vrfSigningKey)) }

    public static func envelope(type: String, description: String = "", cbor: [UInt8]) -> String {
        let hex = cbor.map { String(format: "%02x", $0) }.joined()
        return "{\n    \"type\": \"\(type)\",\n    \"description\": \"\(description)\",\n    \"cborHex\": \"\(hex)\"\n}\n"
    }

    /// A Shelley genesis with only the fields the reporter reads (plus one it ignores).
    public static func genesis(slotsPerKESPeriod: Int, maxKESEvolutions: Int, slotLength: Double = 1) -> String {
        "{\"activeSlotsCoeff\": 0.05, \"slotsPerKESPeriod\": \(slotsPerKESPeriod), \"maxKESEvolutions\": \(maxKESEvolutions), \"slotLength\": \(slotLength), \"systemStart\": \"2022-10-25T00:00:00Z\"}"
    }

    /// Writes `kes.skey`, `vrf.skey` and `node.cert` into `directory` (atomically each, as a
    /// Secret volume update would swap them).
    public func writeSecret(to directory: String, counter: UInt64, kesPeriod: UInt64) throws {
        try Self.writeAtomically(kesKeyEnvelope, to: directory + "/kes.skey")
        try Self.writeAtomically(vrfKeyEnvelope, to: directory + "/vrf.skey")
        try Self.writeAtomically(operationalCertificate(counter: counter, kesPeriod: kesPeriod), to: directory + "/node.cert")
    }

    /// Writes the three files the way the kubelet updates a Secret volume: into a fresh
    /// timestamped directory, then one atomic rename of the `..data` symlink, with each file a
    /// symlink through `..data` — so a reader sees either every old file or every new one.
    public func writeSecretVolume(to directory: String, counter: UInt64, kesPeriod: UInt64) throws {
        let fm = FileManager.default
        let version = "..\(UUID().uuidString.prefix(8))"
        try fm.createDirectory(atPath: directory + "/" + version, withIntermediateDirectories: true)
        try writeSecret(to: directory + "/" + version, counter: counter, kesPeriod: kesPeriod)
        for file in ["kes.skey", "vrf.skey", "node.cert"] { chmod(directory + "/" + version + "/" + file, 0o600) }
        let temp = directory + "/..data_tmp"
        try? fm.removeItem(atPath: temp)
        try fm.createSymbolicLink(atPath: temp, withDestinationPath: version)
        guard rename(temp, directory + "/..data") == 0 else { throw FixtureError(description: "rename ..data_tmp failed") }
        for file in ["kes.skey", "vrf.skey", "node.cert"] where (try? fm.destinationOfSymbolicLink(atPath: directory + "/" + file)) == nil {
            try? fm.removeItem(atPath: directory + "/" + file)
            try fm.createSymbolicLink(atPath: directory + "/" + file, withDestinationPath: "..data/" + file)
        }
    }

    public static func writeAtomically(_ text: String, to path: String) throws {
        let temp = path + ".tmp-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temp))
        guard rename(temp, path) == 0 else { throw FixtureError(description: "rename \(temp) -> \(path) failed") }
    }

    // MARK: helpers

    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    struct Digests { var poolHex: String; var poolBech32: String; var kesVKey: [UInt8] }

    /// hashlib's BLAKE2b and a textbook bech32 encoder, in a python3 child process.
    static func pythonDigests(cold: [UInt8], kes: [UInt8]) throws -> Digests {
        let script = """
        import hashlib, sys
        cold = bytes.fromhex(sys.argv[1]); kes = bytes.fromhex(sys.argv[2])
        pool = hashlib.blake2b(cold, digest_size=28).digest()
        kvk = hashlib.blake2b(kes[-64:], digest_size=32).digest()
        CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
        def polymod(values):
            gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
            chk = 1
            for v in values:
                b = chk >> 25
                chk = (chk & 0x1ffffff) << 5 ^ v
                for i in range(5):
                    chk ^= gen[i] if ((b >> i) & 1) else 0
            return chk
        def bech32(hrp, data):
            acc, bits, out = 0, 0, []
            for byte in data:
                acc = (acc << 8) | byte; bits += 8
                while bits >= 5:
                    bits -= 5; out.append((acc >> bits) & 31)
            if bits: out.append((acc << (5 - bits)) & 31)
            exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
            pm = polymod(exp + out + [0] * 6) ^ 1
            out += [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
            return hrp + "1" + "".join(CHARSET[d] for d in out)
        print(pool.hex(), bech32("pool", pool), kvk.hex())
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, hex(cold), hex(kes)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let fields = String(decoding: output, as: UTF8.self).split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard process.terminationStatus == 0, fields.count == 3 else {
            throw FixtureError(description: "python3 hashlib failed (status \(process.terminationStatus))")
        }
        return Digests(poolHex: fields[0], poolBech32: fields[1], kesVKey: unhex(fields[2]))
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func unhex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
}

/// A CBOR writer for test input only: definite-length heads, byte strings, arrays, unsigned.
public enum CBOR {
    public static func head(_ major: UInt8, _ value: UInt64) -> [UInt8] {
        let type = major << 5
        switch value {
        case 0..<24: return [type | UInt8(value)]
        case 24..<0x100: return [type | 24, UInt8(value)]
        case 0x100..<0x10000: return [type | 25] + bigEndian(value, 2)
        case 0x10000..<0x1_0000_0000: return [type | 26] + bigEndian(value, 4)
        default: return [type | 27] + bigEndian(value, 8)
        }
    }

    static func bigEndian(_ value: UInt64, _ count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8((value >> (8 * UInt64($0))) & 0xff) }
    }

    public static func unsigned(_ value: UInt64) -> [UInt8] { head(0, value) }
    public static func bytes(_ value: [UInt8]) -> [UInt8] { head(2, UInt64(value.count)) + value }
    public static func array(_ items: [[UInt8]]) -> [UInt8] { head(4, UInt64(items.count)) + items.flatMap { $0 } }
}
