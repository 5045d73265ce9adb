import ForgeCore
import FoundationEssentials

/// Typed, validating reads of `NAME=value` settings (environment merged with flags). Empty
/// values count as unset, as in the predecessor. Every failure is a `ConfigError` naming the
/// setting and its value.
struct SettingsReader {
    let values: [String: String]

    func string(_ name: String) -> String? {
        guard let raw = values[name]?.trimmingWhitespace(),
              !raw.isEmpty else { return nil }
        return raw
    }

    func string(_ name: String, default fallback: String) -> String {
        string(name) ?? fallback
    }

    func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let raw = string(name) else { return fallback }
        switch raw.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigError(setting: name, value: raw, problem: "expected true or false")
        }
    }

    func integer(_ name: String, default fallback: Int?, range: ClosedRange<Int>) throws -> Int? {
        guard let raw = string(name) else { return fallback }
        guard let value = Int(raw) else {
            throw ConfigError(setting: name, value: raw, problem: "expected a whole number")
        }
        guard range.contains(value) else {
            throw ConfigError(
                setting: name, value: raw,
                problem: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    /// Whole seconds, > 0 (or >= 0 when `allowZero`).
    func wholeSeconds(_ name: String, default fallback: Int, allowZero: Bool = false) throws -> Duration {
        guard let raw = string(name) else { return .seconds(fallback) }
        guard let value = Int(raw) else {
            throw ConfigError(setting: name, value: raw, problem: "expected a whole number of seconds")
        }
        guard value > 0 || (allowZero && value == 0) else {
            throw ConfigError(setting: name, value: raw, problem: "must be greater than zero")
        }
        return .seconds(value)
    }

    /// Decimal seconds ("2", "0.5"), > 0, at most a day.
    func seconds(_ name: String, default fallback: Double) throws -> Duration {
        guard let raw = string(name) else { return Self.duration(fallback) }
        guard let value = Double(raw), value.isFinite else {
            throw ConfigError(setting: name, value: raw, problem: "expected a number of seconds")
        }
        guard value > 0 else {
            throw ConfigError(setting: name, value: raw, problem: "must be greater than zero")
        }
        guard value <= 86_400 else {
            throw ConfigError(setting: name, value: raw, problem: "must be at most 86400 seconds")
        }
        return Self.duration(value)
    }

    static func duration(_ seconds: Double) -> Duration {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
