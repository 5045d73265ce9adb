import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A plain HTTP health endpoint (a python3 http.server child) answering every GET with the
/// status code currently written in a file, so a test can make a region's health check fail.
final class HealthEndpoint: @unchecked Sendable {
    let child: ChildProcess
    let statusFile: String
    let port: Int

    init() async throws {
        let dir = NSTemporaryDirectory() + "agg-health-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        statusFile = dir + "/status"
        try "200".write(toFile: statusFile, atomically: true, encoding: .utf8)
        let script = """
        import http.server, sys
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                code = int(open(sys.argv[1]).read().strip() or 200)
                self.send_response(code); self.send_header('Content-Length', '2'); self.end_headers(); self.wfile.write(b'ok')
            def log_message(self, *a): pass
        s = http.server.HTTPServer(('127.0.0.1', 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """
        try script.write(toFile: dir + "/health.py", atomically: true, encoding: .utf8)
        let child = try ChildProcess.launch(executable: "python3", arguments: [dir + "/health.py", statusFile],
                                            outputFile: dir + "/out")
        self.child = child
        var port = 0
        try await eventually(timeout: .seconds(10), "health endpoint listening") {
            port = Int(child.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            return port > 0
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/health" }
    func answer(_ status: Int) throws { try "\(status)".write(toFile: statusFile, atomically: true, encoding: .utf8) }
}
