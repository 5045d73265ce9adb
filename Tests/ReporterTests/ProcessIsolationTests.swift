import Foundation
import Testing
import TestSupport

/// `forge-reporter run` and `forge-reporter guard` make themselves non-dumpable at start, so a
/// cardano-node sharing their PID namespace and UID (the chart runs the whole pod as 10001)
/// cannot open /proc/<pid>/root (key Secret, API token, fence file), environ or mem. The
/// binaries run here as uid 10001 via setpriv, like in the pod; the kernel then makes their
/// /proc/<pid> entries root-owned. The tests run as root.
@Suite("forge-reporter process isolation", .serialized)
struct ProcessIsolationTests {
    static let uid = "10001"

    /// A world-readable scratch directory the unprivileged processes can use.
    static func scratch() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("isolation-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o777)
        return directory
    }

    static func launchUnprivileged(_ arguments: [String], environment: [String: String], log: String) throws -> ChildProcess {
        try ChildProcess.launch(
            executable: "setpriv",
            arguments: ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups"] + arguments,
            environment: environment.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]) { $1 },
            outputFile: log)
    }

    /// Owner uid of /proc/<pid>/environ once `pid` runs `binary` (after setpriv's exec).
    static func environOwner(_ pid: pid_t, running binary: String) throws -> uid_t? {
        let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        guard cmdline.hasPrefix(binary) else { return nil }
        var info = stat()
        guard stat("/proc/\(pid)/environ", &info) == 0 else { return nil }
        return info.st_uid
    }

    /// Reads `path` as uid 10001 (the node container's view); true if that succeeded.
    static func readableUnprivileged(_ path: String, directory: String) async throws -> Bool {
        let reader = try launchUnprivileged(["cat", path], environment: [:], log: directory + "/cat.log")
        return await reader.waitExit(timeout: .seconds(10)) == 0
    }

    @Test("the check itself sees the difference: a plain process of uid 10001 owns its /proc entries")
    func controlProcessIsDumpable() async throws {
        let directory = try Self.scratch()
        let sleeper = try Self.launchUnprivileged(["sleep", "30"], environment: [:], log: directory + "/sleep.log")
        defer { sleeper.signal(SIGKILL) }
        try await eventually(timeout: .seconds(10), "sleep runs as 10001 and owns /proc/<pid>/environ") {
            try Self.environOwner(sleeper.pid, running: "sleep") == 10001
        }
        #expect(try await Self.readableUnprivileged("/proc/\(sleeper.pid)/environ", directory: directory))
    }

    @Test("forge-reporter guard is not dumpable: its fence file is out of reach through /proc/<pid>/root")
    func guardIsNotDumpable() async throws {
        let directory = try Self.scratch()
        let fence = directory + "/fence"
        let guardProcess = try Self.launchUnprivileged(
            [Binaries.path("forge-reporter"), "guard"],
            environment: ["FENCE_FILE": fence, "SOURCE_KES_KEY": directory + "/kes.skey",
                          "TARGET_KES_KEY": directory + "/target-kes.skey", "NODE_SOCKET": directory + "/node.socket"],
            log: directory + "/guard.log")
        defer { guardProcess.signal(SIGKILL) }
        try await eventually(timeout: .seconds(15), "/proc/<guard>/environ is owned by root") {
            #expect(guardProcess.isRunning, "guard exited: \(guardProcess.output)")
            return try Self.environOwner(guardProcess.pid, running: Binaries.path("forge-reporter")) == 0
        }
        #expect(try await !Self.readableUnprivileged("/proc/\(guardProcess.pid)/root\(directory)/guard.log", directory: directory))
        #expect(try await !Self.readableUnprivileged("/proc/\(guardProcess.pid)/environ", directory: directory))
    }

    @Test("forge-reporter run is not dumpable: its API token is out of reach through /proc/<pid>/root")
    func reporterIsNotDumpable() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let directory = try Self.scratch()
        // The emulator's kubeconfig, readable by the unprivileged reporter.
        let kubeconfig = directory + "/kubeconfig"
        try FileManager.default.copyItem(atPath: emulator.kubeconfigPath, toPath: kubeconfig)
        chmod(kubeconfig, 0o644)
        let reporter = try Self.launchUnprivileged(
            [Binaries.path("forge-reporter"), "run"],
            environment: ["KUBECONFIG": kubeconfig, "NAMESPACE": "default", "POD_NAME": "isolated-0",
                          "FENCE_FILE": directory + "/fence", "METRICS_PORT": "0", "DISABLE_SOCKET_CHECK": "true",
                          "NODE_SOCKET": directory + "/node.socket",
                          "SOURCE_KES_KEY": directory + "/kes.skey", "SOURCE_VRF_KEY": directory + "/vrf.skey",
                          "SOURCE_OP_CERT": directory + "/node.cert", "TARGET_KES_KEY": directory + "/t-kes.skey",
                          "TARGET_VRF_KEY": directory + "/t-vrf.skey", "TARGET_OP_CERT": directory + "/t-node.cert"],
            log: directory + "/reporter.log")
        defer { reporter.signal(SIGKILL) }
        try await eventually(timeout: .seconds(15), "/proc/<reporter>/environ is owned by root") {
            #expect(reporter.isRunning, "reporter exited: \(reporter.output)")
            return try Self.environOwner(reporter.pid, running: Binaries.path("forge-reporter")) == 0
        }
        #expect(try await !Self.readableUnprivileged("/proc/\(reporter.pid)/root\(kubeconfig)", directory: directory))
        #expect(try await Self.readableUnprivileged(kubeconfig, directory: directory), "the file itself is readable: only the /proc path is closed")
    }
}
