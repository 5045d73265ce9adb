import FoundationEssentials

/// A Kubernetes label selector, as `spec.podSelector` of a CardanoForgeCluster.
///
/// Decodes both the structured form (`matchLabels` / `matchExpressions`, as in a Deployment)
/// and the string form (`app=cardano,role in (bp)`), so a CR written either way works. The
/// aggregator watches pods once per namespace and applies each CR's selector in memory.
public struct LabelSelector: Codable, Equatable, Sendable {
    public struct Requirement: Codable, Equatable, Sendable {
        public var key: String
        /// `In`, `NotIn`, `Exists`, `DoesNotExist` (plus `Equals`/`NotEquals` from strings).
        public var `operator`: String
        public var values: [String]?
        public init(key: String, operator: String, values: [String]? = nil) {
            self.key = key; self.operator = `operator`; self.values = values
        }
    }

    public var matchLabels: [String: String]?
    public var matchExpressions: [Requirement]?

    public init(matchLabels: [String: String]? = nil, matchExpressions: [Requirement]? = nil) {
        self.matchLabels = matchLabels; self.matchExpressions = matchExpressions
    }

    private enum CodingKeys: String, CodingKey { case matchLabels, matchExpressions }

    public init(from decoder: Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self = try LabelSelector.parse(text)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        matchLabels = try c.decodeIfPresent([String: String].self, forKey: .matchLabels)
        matchExpressions = try c.decodeIfPresent([Requirement].self, forKey: .matchExpressions)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(matchLabels, forKey: .matchLabels)
        try c.encodeIfPresent(matchExpressions, forKey: .matchExpressions)
    }

    /// An empty selector matches everything, as in Kubernetes.
    public var isEmpty: Bool { (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels ?? [:] where labels[key] != value { return false }
        for requirement in matchExpressions ?? [] {
            let present = labels[requirement.key]
            let values = requirement.values ?? []
            switch requirement.operator {
            case "In", "Equals": if present == nil || !values.contains(present!) { return false }
            case "NotIn", "NotEquals": if let present, values.contains(present) { return false }
            case "Exists": if present == nil { return false }
            case "DoesNotExist": if present != nil { return false }
            default: return false  // an operator we do not know selects nothing: fail closed
            }
        }
        return true
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses the string form: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`,
    /// comma-separated (commas inside parentheses belong to the value list).
    public static func parse(_ text: String) throws -> LabelSelector {
        var labels: [String: String] = [:]
        var expressions: [Requirement] = []
        for raw in splitTopLevel(text) {
            let term = raw.trimmingBlanks()
            if term.isEmpty { continue }
            if let range = term.firstRange(of: " notin ") ?? term.firstRange(of: " in ") {
                let key = term[..<range.lowerBound].trimmingBlanks()
                let list = term[range.upperBound...].trimmingBlanks()
                guard list.hasPrefix("("), list.hasSuffix(")"), !key.isEmpty else {
                    throw ParseError(description: "label selector term \"\(term)\": expected key in (v1,v2)")
                }
                let values = list.dropFirst().dropLast().split(separator: ",").map {
                    $0.trimmingBlanks()
                }
                let op = term[range].contains("notin") ? "NotIn" : "In"
                expressions.append(Requirement(key: key, operator: op, values: values))
            } else if let range = term.firstRange(of: "!=") {
                expressions.append(Requirement(
                    key: String(term[..<range.lowerBound]).trimmingBlanks(),
                    operator: "NotIn",
                    values: [String(term[range.upperBound...]).trimmingBlanks()]))
            } else if let range = term.firstRange(of: "==") ?? term.firstRange(of: "=") {
                let key = String(term[..<range.lowerBound]).trimmingBlanks()
                guard !key.isEmpty else { throw ParseError(description: "label selector term \"\(term)\": empty key") }
                labels[key] = String(term[range.upperBound...]).trimmingBlanks()
            } else if term.hasPrefix("!") {
                expressions.append(Requirement(key: String(term.dropFirst()), operator: "DoesNotExist"))
            } else if term.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }) {
                expressions.append(Requirement(key: term, operator: "Exists"))
            } else {
                throw ParseError(description: "label selector term \"\(term)\" is not understood")
            }
        }
        return LabelSelector(matchLabels: labels.isEmpty ? nil : labels,
                             matchExpressions: expressions.isEmpty ? nil : expressions)
    }

    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for ch in text {
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            if ch == ",", depth == 0 {
                parts.append(current); current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        return parts
    }
}
