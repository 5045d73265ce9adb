// Helpers for the ForgeNode tests: temp directories and a stand-in node fixture, on top of
// TestSupport's ChildProcess, eventually and Binaries.
#if canImport(Glibc)
import Glibc
#endif
import ForgeCore
import Foundation
import TestSupport
import Testing

struct NodeTestTimeout: Error, CustomStringConvertible {
    var description: String
}

/// A fresh directory under /tmp, removed with its contents on `remove()`.
struct TempDirectory {
    let path: String

    init(_ label: String = "forgenode") {
        var template = Array("/tmp/\(label)-XXXXXX".utf8CString)
        let result = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(result != nil, "mkdtemp failed")
        path = String(cString: template)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String, mode: mode_t = 0o600) {
        let target = file(name)
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, mode)
        precondition(fd >= 0, "cannot create \(target)")
        _ = Array(text.utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        fchmod(fd, mode)
        close(fd)
    }

    func read(_ name: String) -> String? { readFile(file(name)) }

    func exists(_ name: String) -> Bool { access(file(name), F_OK) == 0 }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

func readFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

func fileMode(_ path: String) -> mode_t? {
    var st = stat()
    return stat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
}

func boottimeNow() -> UInt64 { SystemMonotonicClock().now().nanoseconds }

/// The stand-in binary; fails the test clearly when it has not been built.
func standInBinary() throws -> String {
    let path = Binaries.path("cardano-node-standin")
    guard access(path, X_OK) == 0 else {
        throw NodeTestTimeout(description: "\(path) missing: build the cardano-node-standin product first")
    }
    return path
}

extension ChildProcess {
    /// SIGKILL and reap now; for `defer` blocks, which cannot await.
    func terminateNow() {
        signal(SIGKILL)
        while isRunning { usleep(1000) }
    }
}

/// A stand-in node with its own key files, socket and transitions file in `directory`.
struct StandInFixture {
    let directory: TempDirectory
    let executable: String
    var socket: String { directory.file("node.socket") }
    var transitions: String { directory.file("transitions") }
    var log: String { directory.file("node.log") }
    var kes: String { directory.file("kes.skey") }
    var vrf: String { directory.file("vrf.skey") }
    var opCert: String { directory.file("node.cert") }

    /// Creates the key files and a `cardano-node` symlink to the stand-in (so comm is "cardano-node").
    init(_ label: String = "standin") throws {
        directory = TempDirectory(label)
        executable = directory.file("cardano-node")
        guard symlink(try standInBinary(), executable) == 0 else {
            throw NodeTestTimeout(description: "symlink failed")
        }
        writeKeys()
    }

    func writeKeys() {
        directory.write("kes.skey", "{\"type\":\"KesSigningKey_ed25519_kes_2^6\"}\n")
        directory.write("vrf.skey", "{\"type\":\"VrfSigningKey_PraosVRF\"}\n")
        directory.write("node.cert", "{\"type\":\"NodeOperationalCertificate\"}\n")
    }

    func arguments(nonProducing: Bool = true, socket: String? = nil) -> [String] {
        [executable, "run", "--database-path", directory.file("db"), "--socket-path", socket ?? self.socket,
         "--shelley-kes-key", kes, "--shelley-vrf-key", vrf, "--shelley-operational-certificate", opCert]
            + (nonProducing ? ["--start-as-non-producing-node"] : [])
    }

    func start(nonProducing: Bool = true, replayDelay: Double = 0, environment: [String: String] = [:]) throws -> ChildProcess {
        let argv = arguments(nonProducing: nonProducing)
        return try ChildProcess.launch(executable: argv[0], arguments: Array(argv.dropFirst()),
                                       environment: ["STANDIN_REPLAY_DELAY": "\(replayDelay)",
                                                     "STANDIN_TRANSITIONS_FILE": transitions,
                                                     "STANDIN_LOG_FILE": log].merging(environment) { $1 },
                                       outputFile: directory.file("stdout"))
    }

    /// The transitions recorded so far, as "enabled cause"/"disabled cause" strings.
    func transitionStates() -> [String] {
        (readFile(transitions) ?? "").split(separator: "\n").map { line in
            line.split(separator: " ").dropFirst(2).joined(separator: " ")
        }
    }

    func waitForSocket() async throws {
        try await eventually(timeout: .seconds(5), "socket \(socket)") { access(socket, F_OK) == 0 }
    }
}
