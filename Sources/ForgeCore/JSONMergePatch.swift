import FoundationEssentials

/// RFC 7386 JSON merge patches, computed as the difference between what was last written (or
/// observed) and what should be there now. Sending only the difference keeps writes small and
/// lets "nothing changed" be detected as an empty patch.
public enum JSONMergePatch {
    /// The patch that turns `old` into `new`, or nil if they are equal. Keys missing from
    /// `new` become `null` (removal); nested objects are diffed key by key; anything else
    /// (arrays included, as merge patch defines) is replaced whole.
    public static func diff(from old: JSONValue?, to new: JSONValue) -> JSONValue? {
        guard case .object(let newObject) = new, case .object(let oldObject)? = old else {
            return old == new ? nil : new
        }
        var patch: [String: JSONValue] = [:]
        for (key, value) in newObject {
            if value == .null {
                if let previous = oldObject[key], previous != .null { patch[key] = .null }
                continue
            }
            if let change = diff(from: oldObject[key], to: value) { patch[key] = change }
        }
        for (key, value) in oldObject where newObject[key] == nil && value != .null {
            patch[key] = .null
        }
        return patch.isEmpty ? nil : .object(patch)
    }

    /// `target` with `patch` applied, per RFC 7386: what the API server will store.
    public static func apply(_ patch: JSONValue, to target: JSONValue?) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result = target?.objectValue ?? [:]
        for (key, value) in patchObject {
            if value == .null {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(value, to: result[key])
            }
        }
        return .object(result)
    }

    /// Any Encodable as a `JSONValue`, by a round-trip through JSON.
    public static func value<T: Encodable>(of object: T) throws -> JSONValue {
        let data = try JSONEncoder().encode(object)
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }
}
