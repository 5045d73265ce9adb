import Foundation
import TestSupport

/// The forge-aggregator chart's alert expressions, checked against a real /metrics scrape:
/// an alert that names a metric or a label the aggregator does not export never fires, and
/// nothing else would tell. Only the project's own metrics (`cardano_*`) are checked; `up`
/// comes from Prometheus. Metrics the reporters export (scraped through the block-producer
/// chart's PodMonitor, with the pod's namespace and pod as target labels) are not in an
/// aggregator's scrape: they are checked against the reporter's sources by
/// ci/chart-checks/test_alert_metrics.py and by the promtool cases in ci/alert-rules.
struct AlertRuleCheck {
    static let reporterMetrics: Set<String> = ["cardano_forge_guard_alive"]

    struct Expression {
        let alert: String
        let text: String
    }

    static var rulePath: String { RepoPaths.root + "/charts/forge-aggregator/templates/prometheusrule.yaml" }

    /// Each `alert:` with its `expr:` (folded `>-` blocks joined). The template's Helm
    /// directives sit outside the expressions, so a line-based read is enough.
    static func expressions() throws -> [Expression] {
        let lines = try String(contentsOfFile: rulePath, encoding: .utf8).components(separatedBy: "\n")
        var result: [Expression] = []
        var alert: String?
        var index = 0
        while index < lines.count {
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("- alert:") {
                alert = line.dropFirst("- alert:".count).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("expr:"), let name = alert {
                var text = line.dropFirst("expr:".count).trimmingCharacters(in: .whitespaces)
                if text == ">-" || text == ">" || text == "|" {
                    let indent = lines[index].prefix { $0 == " " }.count
                    text = ""
                    while index + 1 < lines.count, lines[index + 1].prefix(while: { $0 == " " }).count > indent {
                        index += 1
                        text += " " + lines[index].trimmingCharacters(in: .whitespaces)
                    }
                }
                result.append(Expression(alert: name, text: text))
            }
            index += 1
        }
        return result
    }

    /// `cardano_*` metric names an expression reads.
    static func metrics(in expression: String) -> Set<String> {
        Set(matches(#"\bcardano_[a-z_]+"#, in: expression).map { $0.0 })
    }

    /// Labels an expression relies on: `by (...)`, `without (...)`, `on (...)` lists and
    /// `{label="..."}` matchers.
    static func labels(in expression: String) -> Set<String> {
        var labels: Set<String> = []
        for (_, list) in matches(#"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)"#, in: expression) {
            for label in list.split(separator: ",") { labels.insert(label.trimmingCharacters(in: .whitespaces)) }
        }
        for (_, matcher) in matches(#"\{([^}]*)\}"#, in: expression) {
            for (_, label) in matches(#"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)"#, in: matcher) { labels.insert(label) }
        }
        labels.remove("")
        return labels
    }

    /// Series names -> the union of label names they carry, from Prometheus text format.
    static func series(in scrape: String) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for line in scrape.split(separator: "\n") where !line.hasPrefix("#") {
            let text = String(line)
            let name = String(text.prefix { $0 != "{" && $0 != " " })
            var labels = result[name] ?? []
            if let open = text.firstIndex(of: "{"), let close = text.lastIndex(of: "}") {
                for (_, label) in matches(#"([a-zA-Z_][a-zA-Z0-9_]*)=""#, in: String(text[open...close])) { labels.insert(label) }
            }
            result[name] = labels
        }
        return result
    }

    /// Problems: metrics an expression reads that the scrape lacks, and labels it relies on
    /// that one of its metrics does not carry.
    static func problems(scrape: String) throws -> [String] {
        let exported = series(in: scrape)
        var problems: [String] = []
        for expression in try expressions() {
            let needed = labels(in: expression.text)
            for metric in metrics(in: expression.text).subtracting(reporterMetrics).sorted() {
                guard let carried = exported[metric] else {
                    problems.append("\(expression.alert): no metric \(metric) in the scrape")
                    continue
                }
                for label in needed.subtracting(carried).sorted() {
                    problems.append("\(expression.alert): \(metric) has no label \(label) (it has \(carried.sorted()))")
                }
            }
        }
        return problems
    }

    /// Whole match and first capture group of each match.
    private static func matches(_ pattern: String, in text: String) -> [(String, String)] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            let whole = ns.substring(with: match.range)
            let group = match.numberOfRanges > 1 && match.range(at: 1).location != NSNotFound ? ns.substring(with: match.range(at: 1)) : whole
            return (whole, group)
        }
    }
}
