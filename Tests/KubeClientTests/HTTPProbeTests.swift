import Foundation
import KubeClient
import Testing
import TestSupport

/// HTTPProbe against a real HTTP server (python3 -m http.server) as a child process.
@Suite(.serialized) struct HTTPProbeTests {
    @Test func anyTwoHundredIsHealthyOthersAreNot() async throws {
        let dir = NSTemporaryDirectory() + "probe-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "ok\n".write(toFile: dir + "/healthz", atomically: true, encoding: .utf8)
        let port = try Fixture.closedPort()
        let server = try ChildProcess.launch(
            executable: "python3", arguments: ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dir],
            outputFile: dir + "/server.log")
        defer {
            _ = server.signal(SIGKILL)
        }
        let url = "http://127.0.0.1:\(port)"
        try await eventually(timeout: .seconds(10), "http.server answers") {
            await HTTPProbe.get(url: url + "/healthz", headers: [:], timeout: .seconds(1)).status != nil
        }
        let healthy = await HTTPProbe.get(url: url + "/healthz", headers: ["X-Probe": "1"], timeout: .seconds(2))
        #expect(healthy.isSuccess && healthy.status == 200 && healthy.error == nil)
        #expect(String(decoding: healthy.body, as: UTF8.self) == "ok\n")
        #expect(healthy.responseTime > .zero && healthy.responseTime < .seconds(2))
        let missing = await HTTPProbe.get(url: url + "/nope", headers: [:], timeout: .seconds(2))
        #expect(missing.status == 404 && !missing.isSuccess)
    }

    /// A header with a line break would let the CR write a second header (or request) on the
    /// wire: it is refused and nothing is sent. The server logs every request it gets.
    @Test func headersWithLineBreaksAreNeverSent() async throws {
        let dir = NSTemporaryDirectory() + "probe-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "ok\n".write(toFile: dir + "/healthz", atomically: true, encoding: .utf8)
        let port = try Fixture.closedPort()
        let server = try ChildProcess.launch(
            executable: "python3", arguments: ["-u", "-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dir],
            outputFile: dir + "/server.log")
        defer { _ = server.signal(SIGKILL) }
        let url = "http://127.0.0.1:\(port)"
        try await eventually(timeout: .seconds(10), "http.server answers") {
            await HTTPProbe.get(url: url + "/ready", headers: [:], timeout: .seconds(1)).status != nil
        }
        for headers in [["X-Token": "a\r\nX-Injected: 1"], ["X-Token": "a\nb"], ["X-Bad\r\nName": "v"], ["X:Colon": "v"]] {
            let result = await HTTPProbe.get(url: url + "/healthz", headers: headers, timeout: .seconds(2))
            #expect(result.status == nil && !result.isSuccess)
            #expect(result.error?.contains("not sent") == true, "\(String(describing: result.error))")
        }
        let fine = await HTTPProbe.get(url: url + "/healthz", headers: ["X-Token": "abc"], timeout: .seconds(2))
        #expect(fine.status == 200)
        // Exactly one request for /healthz reached the server: the well-formed one.
        try await eventually(timeout: .seconds(5), "the server logged the good request") {
            server.output.contains("GET /healthz")
        }
        #expect(server.output.components(separatedBy: "GET /healthz").count - 1 == 1, "\(server.output)")
    }
}
