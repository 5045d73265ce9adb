/// Reads cardano-node's Prometheus exposition (fetched elsewhere, e.g. KubeClient's HTTPProbe).
///
/// Caveat (ARCHITECTURE.md §3): `cardano_node_metrics_forging_enabled` reads 1 after a
/// non-producing start until the first enable/disable cycle, so it confirms a change only
/// after the node has been reconfigured once; the log is the primary confirmation.
public enum NodeMetrics {
    public static let forgingEnabledName = "cardano_node_metrics_forging_enabled"

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
