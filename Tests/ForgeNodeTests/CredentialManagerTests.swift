#if canImport(Glibc)
import Glibc
#endif
import ForgeCore
import Foundation
@testable import ForgeNode
import TestSupport
import Testing

@Suite struct CredentialManagerTests {
    /// Sources in `dir/src`, targets in `dir/target` (which does not exist yet).
    static func setUp() -> (TempDirectory, CredentialManager) {
        let dir = TempDirectory("creds")
        mkdir(dir.file("src"), 0o700)
        dir.write("src/kes.skey", "kes-secret-1")
        dir.write("src/vrf.skey", "vrf-secret-1")
        dir.write("src/node.cert", "opcert-1")
        let files = CredentialFiles(
            kesKey: .init(source: dir.file("src/kes.skey"), target: dir.file("target/kes.skey")),
            vrfKey: .init(source: dir.file("src/vrf.skey"), target: dir.file("target/vrf.skey")),
            operationalCertificate: .init(source: dir.file("src/node.cert"), target: dir.file("target/node.cert")))
        return (dir, CredentialManager(files: files))
    }

    @Test func installWritesAllThreeWithMode0600AndCountsOperations() throws {
        let (dir, manager) = Self.setUp()
        defer { dir.remove() }
        umask(0o022)  // a permissive umask must not widen the key files' mode
        let change = try manager.install()
        #expect(change.operations == CredentialKind.allCases.map { .init(operation: .install, file: $0) })
        #expect(change.changedFiles)
        #expect(dir.read("target/kes.skey") == "kes-secret-1")
        #expect(dir.read("target/vrf.skey") == "vrf-secret-1")
        #expect(dir.read("target/node.cert") == "opcert-1")
        for name in ["kes.skey", "vrf.skey", "node.cert"] {
            #expect(fileMode(dir.file("target/\(name)")) == 0o600)
        }
        #expect(manager.state() == .present)
        // No temp files left behind next to the keys.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.file("target")).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func installIsIdempotentByContentNotMtime() throws {
        let (dir, manager) = Self.setUp()
        defer { dir.remove() }
        try manager.install()
        var before = stat()
        stat(dir.file("target/kes.skey"), &before)
        // Touch the source's mtime without changing content: still unchanged.
        utimes(dir.file("src/kes.skey"), nil)
        let again = try manager.install()
        #expect(again.operations.allSatisfy { $0.operation == .unchanged })
        #expect(!again.changedFiles)
        var after = stat()
        stat(dir.file("target/kes.skey"), &after)
        #expect(before.st_ino == after.st_ino)  // not rewritten

        // Same size, same mtime, different content: rewritten (content hash, not metadata).
        dir.write("src/vrf.skey", "vrf-secret-2")
        let target = dir.file("target/vrf.skey")
        var times = [timeval(tv_sec: 1_000_000, tv_usec: 0), timeval(tv_sec: 1_000_000, tv_usec: 0)]
        utimes(dir.file("src/vrf.skey"), &times)
        utimes(target, &times)
        #expect(manager.state() == .partial)
        let third = try manager.install()
        #expect(third.operations == [.init(operation: .unchanged, file: .kesKey), .init(operation: .install, file: .vrfKey),
                                     .init(operation: .unchanged, file: .operationalCertificate)])
        #expect(dir.read("target/vrf.skey") == "vrf-secret-2")
    }

    @Test func removeUnlinksAndToleratesAbsence() throws {
        let (dir, manager) = Self.setUp()
        defer { dir.remove() }
        try manager.install()
        // A temp file left by a crashed install is cleaned up too.
        dir.write("target/.kes.skey.forge-tmp.1.abc", "kes-secret-1")
        let change = try manager.remove()
        #expect(change.operations == CredentialKind.allCases.map { .init(operation: .remove, file: $0) })
        #expect(!dir.exists("target/kes.skey") && !dir.exists("target/vrf.skey") && !dir.exists("target/node.cert"))
        #expect(!dir.exists("target/.kes.skey.forge-tmp.1.abc"))
        #expect(manager.state() == .absent)
        #expect(try manager.anyTargetPresent() == false)
        let again = try manager.remove()
        #expect(again.operations.allSatisfy { $0.operation == .alreadyAbsent })
        #expect(!again.changedFiles)
    }

    @Test func stateReportsPartialAndError() throws {
        let (dir, manager) = Self.setUp()
        defer { dir.remove() }
        #expect(manager.state() == .absent)
        try manager.install()
        unlink(dir.file("target/node.cert"))
        #expect(manager.state() == .partial)
        #expect(try manager.anyTargetPresent())
        #expect(try manager.opCertSHA256() == nil)
        try manager.install()
        // A target that cannot be read (a directory in its place) is an error, not "absent".
        unlink(dir.file("target/kes.skey"))
        mkdir(dir.file("target/kes.skey"), 0o700)
        guard case .error(let reason) = manager.state() else {
            Issue.record("expected error state, got \(manager.state())")
            return
        }
        #expect(reason.contains("kes.skey"))
    }

    @Test func opCertDigestIsSHA256OfInstalledCertificate() throws {
        let (dir, manager) = Self.setUp()
        defer { dir.remove() }
        try manager.install()
        // printf 'opcert-1' | sha256sum
        #expect(try manager.opCertSHA256() == "5e698057496e685f941cee0f77dc2855f717b7a740ddbfc76ed0e4644e82c189")
    }

    @Test(arguments: ["missing", "directory", "empty"])
    func badSourceChangesNothingAtTheTargets(kind: String) throws {
        let (dir, manager) = Self.setUp()
        defer { dir.remove() }
        try manager.install()
        dir.write("src/kes.skey", "kes-secret-NEW")
        dir.write("src/vrf.skey", "vrf-secret-NEW")
        // The op cert source (last in order) is broken: the earlier files must not be updated.
        unlink(dir.file("src/node.cert"))
        switch kind {
        case "directory": mkdir(dir.file("src/node.cert"), 0o700)
        case "empty": dir.write("src/node.cert", "")
        default: break
        }
        #expect {
            try manager.install()
        } throws: { error in
            guard let error = error as? CredentialError else { return false }
            switch error {
            case .sourceUnreadable(.operationalCertificate, let path, _), .sourceEmpty(.operationalCertificate, let path):
                return path == dir.file("src/node.cert") && "\(error)".contains("node.cert")
                    && !"\(error)".contains("secret")
            default: return false
            }
        }
        #expect(dir.read("target/kes.skey") == "kes-secret-1")
        #expect(dir.read("target/vrf.skey") == "vrf-secret-1")
        #expect(dir.read("target/node.cert") == "opcert-1")
    }

    /// A reader polling the target during many replacements only ever sees a whole old or a
    /// whole new file: never a missing file, never a prefix, never a mix.
    @Test func replacementIsNeverSeenHalfWritten() async throws {
        let (dir, manager) = Self.setUp()
        defer { dir.remove() }
        let contentA = String(repeating: "A", count: 512 * 1024)
        let contentB = String(repeating: "B", count: 512 * 1024)
        dir.write("src/kes.skey", contentA)
        try manager.install()
        let target = dir.file("target/kes.skey")
        let stop = Locked(false)
        let seen = Locked((reads: 0, bad: [String]()))
        let reader = Thread {
            while !stop.current {
                let text = readFile(target)
                seen.withLock { state in
                    state.reads += 1
                    if text != contentA && text != contentB {
                        state.bad.append(text.map { "\($0.prefix(8))... (\($0.count) bytes)" } ?? "absent")
                    }
                }
            }
        }
        reader.start()
        for round in 0..<60 {
            dir.write("src/kes.skey", round % 2 == 0 ? contentB : contentA)
            let change = try manager.install()
            #expect(change.operations.first == .init(operation: .install, file: .kesKey))
        }
        try await eventually(timeout: .seconds(5), "reader made progress") { seen.current.reads > 60 }
        stop.withLock { $0 = true }
        #expect(seen.current.bad.isEmpty, "torn reads: \(seen.current.bad.prefix(5))")
    }
}
