import ForgeCore
import FoundationEssentials
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One JSON object per line on stderr: `ts`, `level`, `logger`, `msg`, then metadata. Both
/// binaries (`forge-reporter`, its `guard`, `forge-aggregator`) log through this handler, so
/// log collectors parse them with one rule. Nothing secret is ever logged (key contents never
/// reach a logger, only paths and hashes).
public struct JSONLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = Self.line(
            label: label, level: event.level, message: "\(event.message)",
            metadata: metadata.merging(event.metadata ?? [:]) { _, new in new }, date: Date())
        line.append("\n")
        StandardError.write(line)
    }

    /// The JSON object of one log line (no newline): keys sorted, every value a string.
    public static func line(
        label: String, level: Logger.Level, message: String, metadata: Logger.Metadata, date: Date
    ) -> String {
        var object: [String: String] = [:]
        for (key, value) in metadata { object[key] = "\(value)" }
        object["ts"] = ForgeReport.timestamp(date)
        object["level"] = level.rawValue
        object["logger"] = label
        object["msg"] = message
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(object) else { return #"{"msg":"unencodable log line"}"# }
        return String(decoding: data, as: UTF8.self)
    }

    /// Installs the handler process-wide (once, before the first Logger is made).
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
    }
}
