import Logging

/// `LOG_LEVEL` (or `--log-level`) as both binaries read it: case-insensitive swift-log level
/// names plus the predecessor's Python spellings `WARN` and `FATAL`. Anything else is a
/// configuration error in both binaries (exit code 2), never silently `info`.
public enum LogLevelSetting {
    public static let accepted = "trace, debug, info, notice, warning (warn), error, critical (fatal)"

    public static func parse(_ raw: String) -> Logger.Level? {
        switch raw.trimmingWhitespace().lowercased() {
        case "warn": return .warning
        case "fatal": return .critical
        case let name: return Logger.Level(rawValue: name)
        }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
