/// The two path operations kubeconfig handling needs, on plain strings (NSString's path
/// methods are not in FoundationEssentials). Same results as NSString for the paths that occur.
enum PathText {
    /// "/a/b" -> "/a", "/b" -> "/", "b" -> "", "a/b/" -> "a".
    static func directory(of path: String) -> String {
        var text = Substring(path)
        while text.count > 1, text.hasSuffix("/") { text = text.dropLast() }
        guard let slash = text.lastIndex(of: "/") else { return "" }
        if slash == text.startIndex { return "/" }
        var parent = text[..<slash]
        while parent.count > 1, parent.hasSuffix("/") { parent = parent.dropLast() }
        return String(parent)
    }

    /// "/a" + "x" -> "/a/x", "/a/" + "x" -> "/a/x", "" + "x" -> "x".
    static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
