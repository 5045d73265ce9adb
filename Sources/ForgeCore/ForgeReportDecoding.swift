import FoundationEssentials

/// Why an annotation value is not a usable `ForgeReport`. The aggregator shows `reason` in the
/// pool status, so it names the offending field or limit.
public enum ReportParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case oversized(bytes: Int, limit: Int)
    case notJSON(String)
    case unsupportedSchemaVersion(Int)
    case missingField(String)
    case invalidValue(field: String, detail: String)

    public var reason: String {
        switch self {
        case .oversized(let bytes, let limit):
            return "report is \(bytes) bytes, larger than the \(limit)-byte limit"
        case .notJSON(let detail):
            return "report is not a JSON object: \(detail)"
        case .unsupportedSchemaVersion(let version):
            return "unsupported schemaVersion \(version) (this build reads \(ForgeReport.currentSchemaVersion))"
        case .missingField(let field):
            return "required field '\(field)' is missing"
        case .invalidValue(let field, let detail):
            return "field '\(field)' has an invalid value: \(detail)"
        }
    }

    public var description: String { reason }
}

extension ForgeReport {
    /// Parses an annotation value. Never throws: every failure is a `ReportParseError`.
    /// Checks, in order: size, JSON object, `schemaVersion`, then the full schema.
    public static func decode(annotation: String) -> Result<ForgeReport, ReportParseError> {
        let data = Data(annotation.utf8)
        if data.count > maximumEncodedSize {
            return .failure(.oversized(bytes: data.count, limit: maximumEncodedSize))
        }
        let top: JSONValue
        do {
            top = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            return .failure(.notJSON("does not parse as JSON"))
        }
        guard let object = top.objectValue else {
            return .failure(.notJSON("top level is not an object"))
        }
        // The version decides how to read everything else, so it is checked on its own first.
        switch object["schemaVersion"] {
        case nil, .null?:
            return .failure(.missingField("schemaVersion"))
        case .number(let value)?:
            guard value.rounded() == value, abs(value) < 1e9 else {
                return .failure(.invalidValue(field: "schemaVersion", detail: "not an integer"))
            }
            if Int(value) != currentSchemaVersion {
                return .failure(.unsupportedSchemaVersion(Int(value)))
            }
        case _?:
            return .failure(.invalidValue(field: "schemaVersion", detail: "not an integer"))
        }
        do {
            return .success(try JSONDecoder().decode(ForgeReport.self, from: data))
        } catch let error as DecodingError {
            return .failure(Self.parseError(from: error))
        } catch {
            return .failure(.notJSON(String(describing: error)))
        }
    }

    private static func parseError(from error: DecodingError) -> ReportParseError {
        func path(_ codingPath: [CodingKey], _ last: CodingKey? = nil) -> String {
            (codingPath + (last.map { [$0] } ?? [])).map { key in
                key.intValue.map { "[\($0)]" } ?? key.stringValue
            }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .missingField(path(context.codingPath, key))
        case .valueNotFound(_, let context):
            return .missingField(path(context.codingPath))
        case .typeMismatch(let type, let context):
            return .invalidValue(field: path(context.codingPath), detail: "expected \(type)")
        case .dataCorrupted(let context):
            // Raised for enum raw values we do not know (an unknown `phase`, for example).
            return .invalidValue(field: path(context.codingPath), detail: context.debugDescription)
        @unknown default:
            return .notJSON(String(describing: error))
        }
    }
}
