/// Reads cardano-node's Prometheus exposition (fetched elsewhere, e.g. KubeClient's HTTPProbe).
///
/// Caveat (ARCHITECTURE.md §3): `cardano_node_metrics_forging_enabled` reads 1 after a
/// non-producing start until the first enable/disable cycle, so it confirms a change only
/// after the node has been reconfigured once; the log is the primary confirmation.
public enum NodeMetrics {
    public static let forgingEnabledName = "cardano_node_metrics_forging_enabled"
    /// The slot of the node's chain tip (cardano-node's `slotNum` metric, ChainDB tracer).
    public static let slotNumberName = "cardano_node_metrics_slotNum_int"
    /// Leadership checks started ("Forge.about-to-lead", traced on every slot while the node has
    /// forging credentials). The name depends on the node's tracing system: the new tracing
    /// system appends `_counter` to counters; the legacy one exports `_int` (under an extra
    /// `Forge_` in older releases). The first one present is used.
    public static let leadershipCheckNames = [
        "cardano_node_metrics_Forge_about_to_lead_counter",
        "cardano_node_metrics_Forge_about_to_lead_int",
        "cardano_node_metrics_Forge_forge_about_to_lead_int",
    ]

    /// The series the reporter uses, from one scrape.
    public struct Reading: Equatable, Sendable {
        public var slot: UInt64?
        public var forgingEnabled: Bool?
        public var leadershipChecks: Double?

        public init(slot: UInt64? = nil, forgingEnabled: Bool? = nil, leadershipChecks: Double? = nil) {
            self.slot = slot
            self.forgingEnabled = forgingEnabled
            self.leadershipChecks = leadershipChecks
        }
    }

    public static func read(prometheusText text: String) -> Reading {
        let slot = sample(named: slotNumberName, in: text).flatMap { value -> UInt64? in
            value.isFinite && value >= 0 && value < 1.8e19 ? UInt64(value) : nil
        }
        let checks = leadershipCheckNames.lazy.compactMap { sample(named: $0, in: text) }.first
        return Reading(slot: slot, forgingEnabled: forgingEnabled(prometheusText: text), leadershipChecks: checks)
    }

    /// The value of `cardano_node_metrics_forging_enabled` (any labels), or nil when absent or
    /// not a number. A value other than 0 counts as enabled.
    public static func forgingEnabled(prometheusText: String) -> Bool? {
        sample(named: forgingEnabledName, in: prometheusText).map { $0 != 0 }
    }

    /// The first sample of metric `name`: `name value [timestamp]` or `name{labels} value [timestamp]`.
    public static func sample(named name: String, in text: String) -> Double? {
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            guard line.hasPrefix(name) else { continue }
            var rest = line.dropFirst(name.count)
            if rest.first == "{" {
                // Label values may contain '}' inside quotes; skip to the closing brace outside quotes.
                var inQuotes = false
                var escaped = false
                var end: Substring.Index?
                for index in rest.indices {
                    let ch = rest[index]
                    if escaped { escaped = false; continue }
                    if ch == "\\" { escaped = true; continue }
                    if ch == "\"" { inQuotes.toggle(); continue }
                    if ch == "}" && !inQuotes { end = index; break }
                }
                guard let end else { continue }
                rest = rest[rest.index(after: end)...]
            } else if let first = rest.first, first != " " && first != "\t" {
                continue  // a longer metric name that merely starts with `name`
            }
            let fields = rest.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let valueText = fields.first else { continue }
            switch valueText {
            case "+Inf": return .infinity
            case "-Inf": return -.infinity
            default: if let value = Double(valueText) { return value }
            }
        }
        return nil
    }
}
