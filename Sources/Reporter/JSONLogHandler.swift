import ForgeCore
import Foundation
import Logging

/// One JSON object per line on stderr: `ts`, `level`, `logger`, `msg`, then metadata. Log
/// collectors parse it without a custom pattern; nothing secret is ever logged (key contents
/// never reach a logger, only paths and hashes).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = [:]
        for (key, value) in metadata { object[key] = "\(value)" }
        for (key, value) in event.metadata ?? [:] { object[key] = "\(value)" }
        object["ts"] = Self.timestamp()
        object["level"] = event.level.rawValue
        object["logger"] = label
        object["msg"] = "\(event.message)"
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(UInt8(ascii: "\n"))
        data.withUnsafeBytes { buffer in
            _ = fwrite(buffer.baseAddress, 1, buffer.count, stderr)
        }
        fflush(stderr)
    }

    private static func timestamp() -> String {
        ForgeReport.timestamp(Date())
    }

    /// Installs the handler process-wide (once, before the first Logger is made).
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
    }
}
