import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A plain HTTP health endpoint (a python3 http.server child) so a test can make a region's
/// health check fail. Each GET answers the first status code of a script file (consumed,
/// except the last, which repeats) and appends the code it served to a log, so a test can
/// count exactly which answers the aggregator's probes got.
final class HealthEndpoint: @unchecked Sendable {
    let child: ChildProcess
    let scriptFile: String
    let servedFile: String
    let port: Int

    init() async throws {
        let dir = NSTemporaryDirectory() + "agg-health-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        scriptFile = dir + "/script"
        servedFile = dir + "/served"
        try "200".write(toFile: scriptFile, atomically: false, encoding: .utf8)
        try "".write(toFile: servedFile, atomically: true, encoding: .utf8)
        // One request at a time (HTTPServer is not threading); the script is consumed under
        // an flock the test's `answer(sequence:)` takes too, so a new script is never lost.
        let script = """
        import fcntl, http.server, sys
        script, served = sys.argv[1], sys.argv[2]
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with open(script + '.lock', 'a') as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)
                    codes = open(script).read().split() or ['200']
                    code = int(codes[0])
                    if len(codes) > 1:
                        open(script, 'w').write(' '.join(codes[1:]))
                    with open(served, 'a') as log: log.write('%d\\n' % code)
                self.send_response(code); self.send_header('Content-Length', '2'); self.end_headers(); self.wfile.write(b'ok')
            def log_message(self, *a): pass
        s = http.server.HTTPServer(('127.0.0.1', 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """
        try script.write(toFile: dir + "/health.py", atomically: true, encoding: .utf8)
        let child = try ChildProcess.launch(executable: "python3", arguments: [dir + "/health.py", scriptFile, servedFile],
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

    /// From now on every probe gets `status`.
    func answer(_ status: Int) throws { try answer(sequence: [status]) }

    /// The next probes get these codes in order; the last one then repeats.
    func answer(sequence: [Int]) throws {
        let lock = open(scriptFile + ".lock", O_CREAT | O_WRONLY, 0o644)
        guard lock >= 0 else { throw FixtureError(description: "cannot open \(scriptFile).lock") }
        defer { close(lock) }
        flock(lock, LOCK_EX)
        defer { flock(lock, LOCK_UN) }
        try sequence.map(String.init).joined(separator: " ").write(toFile: scriptFile, atomically: false, encoding: .utf8)
    }

    /// Every status code served so far, in order.
    var served: [Int] {
        ((try? String(contentsOfFile: servedFile, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int($0) }
    }
}
