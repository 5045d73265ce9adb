import ForgeCore
import ForgeNode
import Foundation
import TestSupport
import Testing

/// The credential file parsers (ForgeCore) against hand-built CBOR and envelopes: every accepted
/// shape and every error, each of which must name the file.
@Suite("Credential file parsing")
struct CredentialParsingTests {
    let fixture: CredentialFixture

    init() throws { fixture = try CredentialFixture.generate() }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("an operational certificate decodes to its fields")
    func certificateFields() throws {
        let cert = try OperationalCertificate.parse(bytes(fixture.operationalCertificate(counter: 3, kesPeriod: 812)), file: "/s/node.cert")
        #expect(cert.issueCounter == 3)
        #expect(cert.kesStartPeriod == 812)
        #expect(cert.kesVerificationKey == fixture.kesVerificationKey)
        #expect(cert.coldVerificationKey == fixture.coldVerificationKey)
        #expect(cert.coldSignature.count == 64)
    }

    @Test("multi-byte integer heads (1, 2, 4 and 8 bytes) decode")
    func integerWidths() throws {
        for value: UInt64 in [23, 24, 255, 256, 65_535, 65_536, 4_294_967_295, 4_294_967_296, .max] {
            let cert = try OperationalCertificate.decode(
                cbor: CBOR.array([CBOR.array([CBOR.bytes(fixture.kesVerificationKey), CBOR.unsigned(value), CBOR.unsigned(value),
                                              CBOR.bytes(Array(repeating: 1, count: 64))]), CBOR.bytes(fixture.coldVerificationKey)]),
                file: "c")
            #expect(cert.issueCounter == value && cert.kesStartPeriod == value)
        }
    }

    @Test("the KES and VRF keys are accepted in their envelopes")
    func signingKeys() throws {
        let kes = try KESSigningKey.parse(bytes(fixture.kesKeyEnvelope), file: "/s/kes.skey")
        #expect(kes.raw == fixture.kesSigningKey)
        #expect(Array(kes.verificationKeyHashInput) == Array(fixture.kesSigningKey.suffix(64)))
        let vrf = try VRFSigningKey.parse(bytes(fixture.vrfKeyEnvelope), file: "/s/vrf.skey")
        #expect(vrf.raw == fixture.vrfSigningKey)
    }

    func expectError(_ problemPart: String, file: String = "/s/node.cert", _ body: () throws(CredentialFileError) -> Void) {
        do {
            try body()
            Issue.record("expected an error containing \"\(problemPart)\"")
        } catch {
            #expect(error.file == file)
            #expect(error.description.hasPrefix(file + ": "))
            #expect(error.problem.contains(problemPart), "\(error.problem)")
        }
    }

    @Test("every CBOR and shape error is reported with the file name")
    func certificateErrors() {
        let good = fixture.operationalCertificateCBOR(counter: 1, kesPeriod: 2)
        let cases: [(String, [UInt8])] = [
            ("ends early", Array(good.dropLast(5))),
            ("ends early", [0x82]),
            ("ends early", []),
            ("ends early", [0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),  // huge byte-string length
            ("ends early", [0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),  // huge array count
            ("unexpected bytes after", good + [0]),
            ("indefinite length", [0x9f, 0xff]),
            ("map", [0xa0]),
            ("text string", [0x60]),
            ("negative integer", [0x20]),
            ("tag", [0xc0, 0x00]),
            ("simple value or float", [0xf6]),
            ("additional information 28", [0x1c]),
            ("nested too deeply", Array(repeating: 0x81, count: 20) + [0x00]),
            ("expected [certificate body, cold key]", CBOR.array([CBOR.unsigned(1)])),
            ("expected a body of 4 items", CBOR.array([CBOR.array([CBOR.unsigned(1)]), CBOR.bytes(fixture.coldVerificationKey)])),
            ("KES verification key: expected 32 bytes", CBOR.array([CBOR.array([CBOR.bytes([1, 2]), CBOR.unsigned(1), CBOR.unsigned(1), CBOR.bytes(Array(repeating: 0, count: 64))]), CBOR.bytes(fixture.coldVerificationKey)])),
            ("issue counter", CBOR.array([CBOR.array([CBOR.bytes(fixture.kesVerificationKey), CBOR.bytes([1]), CBOR.unsigned(1), CBOR.bytes(Array(repeating: 0, count: 64))]), CBOR.bytes(fixture.coldVerificationKey)])),
            ("KES start period", CBOR.array([CBOR.array([CBOR.bytes(fixture.kesVerificationKey), CBOR.unsigned(1), CBOR.array([]), CBOR.bytes(Array(repeating: 0, count: 64))]), CBOR.bytes(fixture.coldVerificationKey)])),
            ("cold key signature", CBOR.array([CBOR.array([CBOR.bytes(fixture.kesVerificationKey), CBOR.unsigned(1), CBOR.unsigned(1), CBOR.bytes(Array(repeating: 0, count: 63))]), CBOR.bytes(fixture.coldVerificationKey)])),
            ("cold verification key", CBOR.array([CBOR.array([CBOR.bytes(fixture.kesVerificationKey), CBOR.unsigned(1), CBOR.unsigned(1), CBOR.bytes(Array(repeating: 0, count: 64))]), CBOR.bytes([9])])),
        ]
        for (problem, cbor) in cases {
            expectError(problem) { () throws(CredentialFileError) in
                _ = try OperationalCertificate.parse(bytes(CredentialFixture.envelope(type: "NodeOperationalCertificate", cbor: cbor)), file: "/s/node.cert")
            }
        }
    }

    @Test("envelope errors: wrong type, not JSON, missing fields, bad hex, huge file")
    func envelopeErrors() {
        let cbor = fixture.operationalCertificateCBOR(counter: 1, kesPeriod: 2)
        let parse = { (text: String) throws(CredentialFileError) in _ = try OperationalCertificate.parse(self.bytes(text), file: "/s/node.cert") }
        expectError("envelope type is \"KesSigningKey_ed25519_kes_2^6\", expected \"NodeOperationalCertificate\"") { () throws(CredentialFileError) in try parse(fixture.kesKeyEnvelope) }
        expectError("not a text envelope") { () throws(CredentialFileError) in try parse("garbage") }
        expectError("not a text envelope") { () throws(CredentialFileError) in try parse("[1, 2]") }
        expectError("no \"type\"") { () throws(CredentialFileError) in try parse("{\"cborHex\": \"00\"}") }
        expectError("no \"cborHex\"") { () throws(CredentialFileError) in try parse("{\"type\": \"NodeOperationalCertificate\"}") }
        expectError("not an even number of hexadecimal digits") { () throws(CredentialFileError) in
            try parse("{\"type\": \"NodeOperationalCertificate\", \"cborHex\": \"8zz\"}")
        }
        expectError("larger than the 65536-byte limit") { () throws(CredentialFileError) in
            try parse(CredentialFixture.envelope(type: "NodeOperationalCertificate", description: String(repeating: "x", count: 70_000), cbor: cbor))
        }
        expectError("KES signing key: expected a byte string of 608 bytes", file: "/s/kes.skey") { () throws(CredentialFileError) in
            _ = try KESSigningKey.parse(bytes(CredentialFixture.envelope(type: KESSigningKey.envelopeType, cbor: CBOR.bytes([1, 2, 3]))), file: "/s/kes.skey")
        }
        expectError("KES signing key: CBOR ends early", file: "/s/kes.skey") { () throws(CredentialFileError) in
            _ = try KESSigningKey.parse(bytes(CredentialFixture.envelope(type: KESSigningKey.envelopeType, cbor: Array(CBOR.bytes(fixture.kesSigningKey).dropLast()))), file: "/s/kes.skey")
        }
        expectError("expected \"VrfSigningKey_PraosVRF\"", file: "/s/vrf.skey") { () throws(CredentialFileError) in
            _ = try VRFSigningKey.parse(bytes(fixture.kesKeyEnvelope), file: "/s/vrf.skey")
        }
    }

    @Test("Shelley genesis: the fields, and every missing or bad field named")
    func genesis() throws {
        let parsed = try ShelleyGenesis.parse(bytes(CredentialFixture.genesis(slotsPerKESPeriod: 129_600, maxKESEvolutions: 62, slotLength: 1)), file: "/g.json")
        #expect(parsed == ShelleyGenesis(slotsPerKESPeriod: 129_600, maxKESEvolutions: 62, slotLength: 1, systemStart: "2022-10-25T00:00:00Z"))
        let fractional = try ShelleyGenesis.parse(bytes("{\"slotsPerKESPeriod\": 10, \"maxKESEvolutions\": 2, \"slotLength\": 0.2}"), file: "/g.json")
        #expect(fractional.slotLength == 0.2 && fractional.systemStart == nil)
        let cases: [(String, String)] = [
            ("\"slotsPerKESPeriod\" is missing", "{\"maxKESEvolutions\": 62, \"slotLength\": 1}"),
            ("\"maxKESEvolutions\" is missing", "{\"slotsPerKESPeriod\": 10, \"slotLength\": 1}"),
            ("\"slotLength\" is missing", "{\"slotsPerKESPeriod\": 10, \"maxKESEvolutions\": 62}"),
            ("\"slotsPerKESPeriod\" must be a positive integer", "{\"slotsPerKESPeriod\": 0, \"maxKESEvolutions\": 62, \"slotLength\": 1}"),
            ("\"maxKESEvolutions\" must be a positive integer", "{\"slotsPerKESPeriod\": 10, \"maxKESEvolutions\": \"62\", \"slotLength\": 1}"),
            ("\"slotsPerKESPeriod\" must be a positive integer", "{\"slotsPerKESPeriod\": 1.5, \"maxKESEvolutions\": 62, \"slotLength\": 1}"),
            ("\"slotLength\" must be a positive number", "{\"slotsPerKESPeriod\": 10, \"maxKESEvolutions\": 62, \"slotLength\": -1}"),
            ("not a JSON object", "{"),
        ]
        for (problem, text) in cases {
            expectError(problem, file: "/g.json") { () throws(CredentialFileError) in _ = try ShelleyGenesis.parse(bytes(text), file: "/g.json") }
        }
    }

    @Test("KES window arithmetic: current period, periods left, seconds left, expiry and not-yet-valid")
    func kesWindow() {
        let genesis = ShelleyGenesis(slotsPerKESPeriod: 129_600, maxKESEvolutions: 62, slotLength: 1)
        let w = KESWindow.at(slot: 129_600 * 812 + 100, start: 800, genesis: genesis)
        #expect(w.currentPeriod == 812 && w.endPeriod == 862 && w.periodsRemaining == 50 && w.position == .valid)
        #expect(w.secondsRemaining == Double(862 * 129_600 - (129_600 * 812 + 100)))
        let last = KESWindow.at(slot: 862 * 129_600 - 1, start: 800, genesis: genesis)
        #expect(last.position == .valid && last.periodsRemaining == 1 && last.secondsRemaining == 1)
        let expired = KESWindow.at(slot: 862 * 129_600, start: 800, genesis: genesis)
        #expect(expired.position == .expired && expired.periodsRemaining == 0 && expired.secondsRemaining == 0)
        let early = KESWindow.at(slot: 10, start: 800, genesis: genesis)
        #expect(early.position == .notYetValid)
        let huge = KESWindow.at(slot: 0, start: .max, genesis: genesis)
        #expect(huge.endPeriod == .max && huge.position == .notYetValid)
    }

    @Test("pool ids: hex and bech32 (checksum checked), as hashlib and libsodium compute them")
    func poolIds() {
        #expect(PoolIdentifier.hex(from: fixture.poolIdHex) == fixture.poolIdHex)
        #expect(PoolIdentifier.hex(from: fixture.poolIdHex.uppercased()) == fixture.poolIdHex)
        #expect(PoolIdentifier.hex(from: fixture.poolIdBech32) == fixture.poolIdHex)
        var broken = Array(fixture.poolIdBech32)
        broken[10] = broken[10] == "q" ? "p" : "q"
        #expect(PoolIdentifier.hex(from: String(broken)) == nil)
        #expect(PoolIdentifier.hex(from: "stake1" + fixture.poolIdBech32.dropFirst(5)) == nil)
        #expect(PoolIdentifier.hex(from: "pool1") == nil)
        // libsodium's BLAKE2b agrees with Python's hashlib on both digest lengths.
        #expect(Hex.encode(Blake2b.hash(fixture.coldVerificationKey, digestLength: 28)) == fixture.poolIdHex)
        #expect(Blake2b.hash(Array(fixture.kesSigningKey.suffix(64)), digestLength: 32) == fixture.kesVerificationKey)
    }
}
