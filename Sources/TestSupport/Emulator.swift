import Foundation
import KubeClient
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Python Kubernetes API emulator (`emulator/kube_api_emulator.py`) as a child process,
/// serving HTTPS on 127.0.0.1 with its own CA and a bearer token. Stopped on `stop()` or deinit.
public final class Emulator: @unchecked Sendable {
    public let port: Int
    public let directory: String
    public let kubeconfigPath: String
    public let token: String
    public let caPath: String
    /// From spawning python3 to reading the ready line.
    public let startupDuration: Duration
    public let process: ChildProcess
    /// For the admin endpoints and helpers: no client-side rate limit, few retries.
    let admin: KubernetesClient

    private init(process: ChildProcess, directory: String, port: Int, token: String,
                 startupDuration: Duration) throws {
        self.process = process
        self.directory = directory
        self.port = port
        self.token = token
        self.kubeconfigPath = directory + "/kubeconfig"
        self.caPath = directory + "/ca.crt"
        self.startupDuration = startupDuration
        let config = try KubeConfig.load(path: kubeconfigPath)
        self.admin = try KubernetesClient(
            config: config, options: KubeClientOptions(qps: 0, burst: 1000, maxRetries: 1, userAgent: "emulator-admin"))
    }

    /// Starts an emulator on a free port and waits for its ready line (normally < 1 s; the
    /// deadline is generous because the machine is shared).
    public static func start(extraArguments: [String] = [], readyTimeout: Duration = .seconds(10)) async throws -> Emulator {
        let directory = NSTemporaryDirectory() + "kubeemu-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let log = directory + "/emulator.log"
        let clock = ContinuousClock()
        let started = clock.now
        let process = try ChildProcess.launch(
            executable: "python3",
            arguments: [RepoPaths.emulatorScript, "--port", "0", "--dir", directory] + extraArguments,
            outputFile: log)
        var ready: [String: Any]?
        while ready == nil {
            ready = readyLine(in: process.output)
            if ready != nil { break }
            if !process.isRunning {
                throw EmulatorError.startFailed("python3 exited: \(process.output)")
            }
            if clock.now - started > readyTimeout {
                process.signal(SIGKILL)
                throw EmulatorError.startFailed("no ready line within \(readyTimeout): \(process.output)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let elapsed = clock.now - started
        guard let port = ready?["port"] as? Int,
              let token = try? String(contentsOfFile: directory + "/token", encoding: .utf8) else {
            process.signal(SIGKILL)
            throw EmulatorError.startFailed("malformed ready line or missing token file: \(process.output)")
        }
        return try Emulator(process: process, directory: directory, port: port,
                            token: token.trimmingCharacters(in: .whitespacesAndNewlines), startupDuration: elapsed)
    }

    private static func readyLine(in output: String) -> [String: Any]? {
        for line in output.split(separator: "\n") where line.hasPrefix("{") {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
               object["ready"] as? Bool == true {
                return object
            }
        }
        return nil
    }

    deinit { stop() }

    /// A client configured from the emulator's kubeconfig (CA file, bearer token).
    public func client(options: KubeClientOptions = .init()) throws -> KubernetesClient {
        try KubernetesClient(config: try KubeConfig.load(path: kubeconfigPath), options: options)
    }

    /// Kills the emulator (SIGKILL: nothing to flush) and removes its directory. Idempotent.
    public func stop() {
        if process.isRunning {
            process.signal(SIGKILL)
            while process.isRunning { usleep(1000) }
        }
        // KEEP_TEST_DIRS keeps the logs of the emulator and of the processes the test started.
        if ProcessInfo.processInfo.environment["KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
