import ForgeCLI
import Foundation
import Logging
import Testing

@Suite struct JSONLogAndLevelTests {
    @Test("a log line is one JSON object with ts, level, logger, msg and the metadata as strings")
    func lineShape() throws {
        let date = Date(timeIntervalSince1970: 1_800_000_000.25)
        let line = JSONLogHandler.line(
            label: "forge-aggregator", level: .warning, message: "peer \"eu\" gone\nnow",
            metadata: ["region": "us-east", "count": "3"], date: date)
        #expect(!line.contains("\n"), "one line, newlines escaped")
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "warning" && object["logger"] == "forge-aggregator")
        #expect(object["msg"] == "peer \"eu\" gone\nnow")
        #expect(object["region"] == "us-east" && object["count"] == "3")
        #expect(object["ts"] == "2027-01-15T08:00:00.250Z")
    }

    @Test("LOG_LEVEL: swift-log names and the Python spellings, any case; anything else is nil",
          arguments: [
              ("info", Logger.Level.info), ("INFO", .info), ("Debug", .debug), ("trace", .trace),
              ("notice", .notice), ("warning", .warning), ("WARN", .warning), ("error", .error),
              ("critical", .critical), ("FATAL", .critical), (" info ", .info),
          ])
    func levels(_ text: String, _ level: Logger.Level) {
        #expect(LogLevelSetting.parse(text) == level)
    }

    @Test("unknown levels are rejected", arguments: ["verbose", "", "5", "warnings"])
    func badLevels(_ text: String) {
        #expect(LogLevelSetting.parse(text) == nil)
    }
}
