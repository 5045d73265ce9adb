import ForgeHTTP
import Foundation
import Logging
import Prometheus
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The endpoint's own small HTTP/1.1 server at the byte level: what a kubelet probe, a
/// Prometheus scrape or a broken client sends, and what each gets back.
@Suite("ForgeHTTPServer on the wire", .serialized)
struct ForgeHTTPWireTests {
    /// Starts a server with a `/healthz` route, runs `body` with its port, then stops it.
    func withServer(_ body: (UInt16) async throws -> Void) async throws {
        let server = try ForgeHTTPServer(port: 0, host: "127.0.0.1", registry: PrometheusCollectorRegistry(), logger: Logger(label: "http"))
        server.route("/healthz") { .ok("fine") }
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        try await body(try await server.boundPort())
    }

    /// Connects to 127.0.0.1:port (5 s receive timeout, so a test never hangs).
    static func connect(_ port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        return fd
    }

    /// Runs blocking socket calls on a thread of their own: on Swift's cooperative pool (two
    /// threads on two cores) a blocked recv would starve the server it waits for, and every
    /// other test in the process.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Sends `request` raw and reads until the server closes the connection (off the pool).
    static func exchange(_ port: UInt16, _ request: [UInt8]) async throws -> String {
        try await offPool { try blockingExchange(port, request) }
    }

    static func blockingExchange(_ port: UInt16, _ request: [UInt8]) throws -> String {
        let fd = try connect(port)
        defer { close(fd) }
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            answer += buffer[0..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    @Test func getHealthAnswersWithLengthAndCloses() async throws {
        try await withServer { port in
            let answer = try await Self.exchange(port, Array("GET /healthz?verbose=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: kube-probe/1.31\r\n\r\n".utf8))
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer)")
            #expect(answer.contains("Content-Length: 5\r\n") && answer.contains("Connection: close\r\n"), "\(answer)")
            #expect(answer.hasSuffix("\r\n\r\nfine\n"), "\(answer)")
        }
    }

    @Test func headHasNoBodyAndHealthFallsBackToHealthz() async throws {
        try await withServer { port in
            let answer = try await Self.exchange(port, Array("HEAD /health HTTP/1.0\r\n\r\n".utf8))
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n") && answer.hasSuffix("\r\n\r\n"), "\(answer)")
        }
    }

    @Test(arguments: ["BREW /pot\r\n\r\n", "GET no-slash HTTP/1.1\r\n\r\n", "GET / SPDY/3\r\n\r\n", "\r\n\r\n"])
    func malformedRequestLineIs400(request: String) async throws {
        try await withServer { port in
            let answer = try await Self.exchange(port, Array(request.utf8))
            #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(answer)")
            #expect(answer.contains("malformed request line"), "\(answer)")
        }
    }

    @Test func oversizedHeadIs400AndTheServerKeepsServing() async throws {
        try await withServer { port in
            // Just over the limit, so the server has read all of it when it answers (unread
            // bytes at close would make the kernel reset the connection, losing the answer).
            let huge = "GET /healthz HTTP/1.1\r\nX-Pad: " + String(repeating: "a", count: 17_000)
            let answer = try await Self.exchange(port, Array(huge.utf8))
            #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n") && answer.contains("longer than 16384 bytes"), "\(answer)")
            #expect(try await Self.exchange(port, Array("GET /healthz HTTP/1.1\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    /// A client that connects and says nothing (or half a request) holds only its own
    /// connection: others are answered meanwhile.
    @Test func silentClientsDoNotBlockOthers() async throws {
        try await withServer { port in
            let silent = try Self.connect(port)
            defer { close(silent) }
            let half = try Self.connect(port)
            defer { close(half) }
            _ = Array("GET /healthz HTTP/1.1\r\nHost:".utf8).withUnsafeBytes { send(half, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            for _ in 0..<5 {
                #expect(try await Self.exchange(port, Array("GET /healthz HTTP/1.1\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 200 OK"))
            }
        }
    }

    /// Shutdown cancels the serving task; `run()` must then return (the binaries await it) and
    /// its listening socket be gone, also when a child process was started while it listened
    /// (the socket is close-on-exec; it was not, and a child kept it listening). Checked by the
    /// socket's inode in /proc/net/tcp, not by connecting: another test's server may bind the
    /// freed port at once.
    @Test func cancellingRunEndsItAndClosesItsSocket() async throws {
        let server = try ForgeHTTPServer(port: 0, host: "127.0.0.1", registry: PrometheusCollectorRegistry(), logger: Logger(label: "http"))
        let serving = Task { try await server.run() }
        let port = try await server.boundPort()
        let listening = try Self.listeningInodes(port: port)
        #expect(listening.count == 1)
        // posix_spawn as TestSupport does it: open descriptors are inherited unless close-on-exec.
        let child = try ChildProcess.launch(executable: "/bin/sleep", arguments: ["30"], outputFile: "/dev/null")
        defer { _ = child.signal(SIGKILL) }
        let open = try Self.connect(port) // an idle connection must not keep run() alive
        defer { close(open) }
        serving.cancel()
        try await serving.value
        #expect(try Self.listeningInodes(port: port).isDisjoint(with: listening))
    }

    /// Inodes of the IPv4 sockets listening on `port` (any process), from /proc/net/tcp.
    static func listeningInodes(port: UInt16) throws -> Set<String> {
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        let portHex = String(format: "%04X", port)
        var inodes: Set<String> = []
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 9, fields[1].hasSuffix(":" + portHex), fields[3] == "0A" else { continue }
            inodes.insert(String(fields[9]))
        }
        return inodes
    }

    @Test func portInUseFailsRun() async throws {
        try await withServer { port in
            let second = try ForgeHTTPServer(port: port, host: "127.0.0.1", registry: PrometheusCollectorRegistry(), logger: Logger(label: "http"))
            await #expect(throws: (any Error).self) { try await second.run() }
        }
    }
}
