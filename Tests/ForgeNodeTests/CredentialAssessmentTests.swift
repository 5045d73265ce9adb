import ForgeCore
import ForgeNode
import Foundation
import TestSupport
import Testing

/// Real files in a temp directory, read by `CredentialSourceReader`, judged by
/// `CredentialAssessor` with libsodium's BLAKE2b: every verdict and reason.
@Suite("Credential assessment")
struct CredentialAssessmentTests {
    let fixture: CredentialFixture
    let dir = TempDirectory("creds")
    let genesis = ShelleyGenesis(slotsPerKESPeriod: 100, maxKESEvolutions: 10, slotLength: 1)
    let observedAt = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        fixture = try CredentialFixture.generate()
        try fixture.writeSecret(to: dir.path, counter: 4, kesPeriod: 20)
    }

    var reader: CredentialSourceReader {
        CredentialSourceReader(files: CredentialFiles(
            kesKey: .init(source: dir.file("kes.skey"), target: dir.file("t-kes")),
            vrfKey: .init(source: dir.file("vrf.skey"), target: dir.file("t-vrf")),
            operationalCertificate: .init(source: dir.file("node.cert"), target: dir.file("t-cert"))),
            genesisPath: dir.file("genesis.json"))
    }

    func assess(expected: String? = nil, genesis: Result<ShelleyGenesis, CredentialFileError>?? = nil,
                slot: SlotObservation? = nil, previous: CredentialInspection? = nil) -> CredentialInspection {
        let observation = reader.observe(
            expectedPoolId: expected ?? fixture.poolIdHex, genesis: genesis ?? .success(self.genesis),
            slot: slot ?? .known(slot: 2_550, at: observedAt))
        return CredentialAssessor.assess(observation, previous: previous, blake2b: Blake2b.function)
    }

    @Test("good files at a valid slot are usable, with every derived field")
    func usable() throws {
        defer { dir.remove() }
        let result = assess(expected: PoolIdentifier.hex(from: fixture.poolIdBech32))
        #expect(result.verdict == .usable && result.reason == nil && result.errors == nil)
        #expect(result.issueCounter == 4 && result.kesStartPeriod == 20 && result.kesEndPeriod == 30)
        #expect(result.kesCurrentPeriod == 25 && result.kesPeriodsRemaining == 5)
        #expect(result.poolId == fixture.poolIdHex && result.poolIdMatches == true && result.kesKeyMatches == true)
        #expect(result.kesExpiresAt == RFC3339.format(observedAt.addingTimeInterval(450)))
        let certBytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("node.cert")))
        #expect(result.opcertSHA256 == SHA256Hex.of(Array(certBytes)))
    }

    @Test("no configured pool: nothing to compare, still usable")
    func noPool() {
        defer { dir.remove() }
        let observation = reader.observe(expectedPoolId: nil, genesis: .success(genesis), slot: .known(slot: 2_550, at: observedAt))
        let result = CredentialAssessor.assess(observation, blake2b: Blake2b.function)
        #expect(result.verdict == .usable && result.poolIdMatches == nil)
    }

    @Test("a missing, empty, huge or malformed file cannot forge (Unreadable), naming the file")
    func unreadable() throws {
        defer { dir.remove() }
        unlink(dir.file("vrf.skey"))
        var result = assess()
        #expect(result.verdict == .cannotForge && result.reason == "Unreadable")
        #expect(result.message?.contains(dir.file("vrf.skey") + ": cannot open: No such file or directory") == true, "\(result.message ?? "")")
        dir.write("vrf.skey", "")
        #expect(assess().message?.contains(dir.file("vrf.skey") + ": file is empty") == true)
        dir.write("vrf.skey", String(repeating: " ", count: 70_000))
        #expect(assess().message?.contains(dir.file("vrf.skey") + ": larger than the 65536-byte limit") == true)
        try fixture.writeSecret(to: dir.path, counter: 4, kesPeriod: 20)
        dir.write("node.cert", CredentialFixture.envelope(type: "NodeOperationalCertificate", cbor: [0x82, 0x01]))
        result = assess()
        #expect(result.verdict == .cannotForge && result.reason == "Unreadable")
        #expect(result.errors == [dir.file("node.cert") + ": operational certificate: CBOR ends early (at byte 2)"])
    }

    @Test("a certificate of another pool cannot forge (WrongPool)")
    func wrongPool() throws {
        defer { dir.remove() }
        let other = try CredentialFixture.generate()
        let result = assess(expected: other.poolIdHex)
        #expect(result.verdict == .cannotForge && result.reason == "WrongPool" && result.poolIdMatches == false)
        #expect(result.message?.contains(other.poolIdHex) == true)
    }

    @Test("a KES key the certificate was not issued for cannot forge (KESKeyMismatch)")
    func kesMismatch() throws {
        defer { dir.remove() }
        try CredentialFixture.writeAtomically(try fixture.rotatedKESKey().kesKeyEnvelope, to: dir.file("kes.skey"))
        let result = assess()
        #expect(result.verdict == .cannotForge && result.reason == "KESKeyMismatch" && result.kesKeyMatches == false)
    }

    @Test("expired and not-yet-valid certificates cannot forge")
    func window() {
        defer { dir.remove() }
        let expired = assess(slot: .known(slot: 3_000, at: observedAt))
        #expect(expired.verdict == .cannotForge && expired.reason == "KESExpired" && expired.kesPeriodsRemaining == 0)
        #expect(expired.kesExpiresAt == RFC3339.format(observedAt))
        let last = assess(slot: .known(slot: 2_999, at: observedAt))
        #expect(last.verdict == .usable && last.kesPeriodsRemaining == 1)
        let early = assess(slot: .known(slot: 1_999, at: observedAt))
        #expect(early.verdict == .cannotForge && early.reason == "KESNotYetValid")
    }

    @Test("without genesis or slot the window is unknown, which blocks nothing")
    func unknowns() {
        defer { dir.remove() }
        let noGenesis = assess(genesis: .some(nil))
        #expect(noGenesis.verdict == .unknown && noGenesis.reason == "GenesisUnknown" && noGenesis.kesEndPeriod == nil)
        #expect(noGenesis.issueCounter == 4 && noGenesis.poolIdMatches == true)
        dir.write("genesis.json", "{\"slotsPerKESPeriod\": 100}")
        let broken = assess(genesis: .some(reader.readGenesis()))
        #expect(broken.verdict == .unknown && broken.reason == "GenesisUnknown")
        #expect(broken.errors == [dir.file("genesis.json") + ": Shelley genesis: \"maxKESEvolutions\" is missing"])
        let noSlot = assess(slot: .unknown("node metrics unreachable"))
        #expect(noSlot.verdict == .unknown && noSlot.reason == "SlotUnknown" && noSlot.kesEndPeriod == 30)
        #expect(noSlot.message?.contains("node metrics unreachable") == true && noSlot.kesExpiresAt == nil)
    }

    @Test("the expiry estimate keeps its value while it moves by less than an hour")
    func stableExpiry() {
        defer { dir.remove() }
        let first = assess()
        let jittered = assess(slot: .known(slot: 2_551, at: observedAt.addingTimeInterval(30)), previous: first)
        #expect(jittered.kesExpiresAt == first.kesExpiresAt)
        let moved = assess(slot: .known(slot: 2_551, at: observedAt.addingTimeInterval(4_000)), previous: first)
        #expect(moved.kesExpiresAt != first.kesExpiresAt)
    }
}

/// SHA-256 via the sha256sum tool, independent of the OpenSSL call under test.
enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String {
        let path = "/tmp/sha-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { unlink(path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try? process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }
}
