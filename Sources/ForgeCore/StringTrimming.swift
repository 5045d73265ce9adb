/// What `trimmingCharacters(in:)` did for the shipped code, which no longer imports full
/// Foundation (FoundationEssentials has no `CharacterSet`). Unicode whitespace as the standard
/// library's `Character` properties define it.
extension StringProtocol {
    /// Without leading and trailing whitespace and line breaks (`.whitespacesAndNewlines`).
    public func trimmingWhitespace() -> String {
        trimmed { $0.isWhitespace }
    }

    /// Without leading and trailing spaces and tabs, keeping line breaks (`.whitespaces`).
    public func trimmingBlanks() -> String {
        trimmed { $0.isWhitespace && !$0.isNewline }
    }

    /// Without the leading and trailing characters matching `drop`.
    public func trimming(where drop: (Character) -> Bool) -> String {
        trimmed(drop)
    }

    private func trimmed(_ drop: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[first...last])
    }
}
