import ForgeCore
import Foundation
import Testing
@testable import KubeClient

/// libyaml-backed loading of kubeconfig YAML into JSONValue: typing of scalars, and a clear,
/// located error (never a crash) for what a kubeconfig must not contain.
@Suite struct YAMLLoaderTests {
    @Test func kubeconfigShapesLoad() throws {
        let value = try YAMLLoader.load("""
            apiVersion: v1
            clusters:
            - name: c
              cluster: {server: "https://h:1", insecure-skip-tls-verify: true}
            users:
              - name: u
                user:
                  token: abc
            preferences: {}
            empty-list: []
            """)
        #expect(value == .object([
            "apiVersion": .string("v1"),
            "clusters": .array([.object(["name": .string("c"), "cluster": .object([
                "server": .string("https://h:1"), "insecure-skip-tls-verify": .bool(true)])])]),
            "users": .array([.object(["name": .string("u"), "user": .object(["token": .string("abc")])])]),
            "preferences": .object([:]),
            "empty-list": .array([]),
        ]))
    }

    @Test(arguments: [
        ("a: 12345", JSONValue.number(12345)),
        ("a: -7", .number(-7)),
        ("a: 0x1F", .number(31)),
        ("a: 0o17", .number(15)),
        ("a: 1.5e3", .number(1500)),
        ("a: .5", .number(0.5)),
        ("a: true", .bool(true)),
        ("a: False", .bool(false)),
        ("a: yes", .bool(true)),
        ("a: OFF", .bool(false)),
        ("a: ~", .null),
        ("a: null", .null),
        ("a:", .null),
        ("a: \"12345\"", .string("12345")),
        ("a: '12345'", .string("12345")),
        ("a: \"true\"", .string("true")),
        ("a: !!str 42", .string("42")),
        ("a: 1.2.3", .string("1.2.3")),
        ("a: 12abc", .string("12abc")),
        ("a: 0x", .string("0x")),
        ("a: 1e", .string("1e")),
        ("a: +", .string("+")),
        ("a: Q0VSVA==", .string("Q0VSVA==")),
        ("a: https://h:1/x?y=1", .string("https://h:1/x?y=1")),
        ("a: |\n  line one\n  line two\n", .string("line one\nline two\n")),
        ("a: >-\n  folded\n  text\n", .string("folded text")),
        ("a: \"tab\\tand \\u00e9\"", .string("tab\tand é")),
    ])
    func scalarTyping(yaml: String, expected: JSONValue) throws {
        #expect(try YAMLLoader.load(yaml) == .object(["a": expected]))
    }

    @Test func keysAreTheirTextAndAnchorsWithoutAliasesAreIgnored() throws {
        #expect(try YAMLLoader.load("1: one\ntrue: yes\n\"q\": &anchor {x: 1}\n") == .object([
            "1": .string("one"), "true": .bool(true), "q": .object(["x": .number(1)]),
        ]))
    }

    @Test func emptyStreamIsNoDocument() throws {
        #expect(try YAMLLoader.load("") == nil)
        #expect(try YAMLLoader.load("# only a comment\n") == nil)
        #expect(try YAMLLoader.load("---\n...\n") == .null)
    }

    @Test func explicitSingleDocumentLoads() throws {
        #expect(try YAMLLoader.load("---\na: b\n...\n") == .object(["a": .string("b")]))
    }

    /// Each refusal names the line (1-based) and the cause.
    @Test(arguments: [
        ("a: [unclosed\nb: c\n", 2, "did not find expected ',' or ']' (while parsing a flow sequence started at line 1)"),
        ("a: b\n  c: d\n", 2, "mapping values are not allowed"),
        ("a: \"open\n", 2, "unexpected end of stream"),
        ("\tkey: value\n", 1, "found character that cannot start any token"),
        ("base: &b {x: 1}\nother: *b\n", 2, "alias *b"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", 3, "aliases are not supported"),
        ("a: 1\n---\nb: 2\n", 2, "a second YAML document"),
        ("a: 1\na: 2\n", 2, "duplicate key \"a\""),
        ("? [x, y]\n: z\n", 1, "keys must be plain text"),
        ("? {x: 1}\n: z\n", 1, "keys must be plain text"),
        ("a: !!binary aGVsbG8=\n", 1, "explicit tag tag:yaml.org,2002:binary"),
        ("a: !custom {x: 1}\n", 1, "explicit tag !custom"),
    ])
    func refusedInputNamesLineAndCause(yaml: String, line: Int, cause: String) {
        do {
            let value = try YAMLLoader.load(yaml)
            Issue.record("loaded \(String(describing: value)) from \(yaml.debugDescription)")
        } catch let error as YAMLLoader.LoadError {
            #expect(error.line == line, "\(error)")
            #expect(error.description.contains(cause), "\(error)")
            #expect(error.description.hasPrefix("line \(line), column "), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// Deep nesting is refused before the value gets deep enough to matter, not loaded: past
    /// `maxDepth` by the loader, far past it (1 000) by libyaml itself.
    @Test(arguments: [100, 100_000])
    func deepNestingIsRefused(depth: Int) {
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        do {
            _ = try YAMLLoader.load(deep)
            Issue.record("loaded \(depth) nested sequences")
        } catch let error as YAMLLoader.LoadError {
            let cause = depth < 1000 ? "nested deeper than \(YAMLLoader.maxDepth) levels" : "Maximum nesting level reached"
            #expect(error.description.contains(cause), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func nestingUpToTheLimitLoads() {
        let ok = String(repeating: "[", count: YAMLLoader.maxDepth) + String(repeating: "]", count: YAMLLoader.maxDepth)
        #expect(throws: Never.self) { try YAMLLoader.load(ok) }
    }

    /// Arbitrary bytes (here: every prefix of a real kubeconfig, and garbage) load or fail with
    /// an error; none crashes the process.
    @Test func truncatedAndGarbageInputNeverCrashes() {
        let text = """
            apiVersion: v1
            clusters:
            - name: "c"
              cluster: {server: 'https://h:1', certificate-authority-data: Q0VSVA==}
            contexts: [{name: x, context: {cluster: c, user: u}}]
            users:
            - name: u
              user: {token: |
                multi
                line}
            """
        var failures = 0
        for length in 0...text.utf8.count {
            let prefix = String(decoding: Array(text.utf8).prefix(length), as: UTF8.self)
            do { _ = try YAMLLoader.load(prefix) } catch { failures += 1 }
        }
        #expect(failures > 0, "some prefixes are invalid YAML")
        for garbage in ["\u{0}\u{1}\u{2}", "{{{{", "]]]", "- - - -\n  :", "&a &b x", "!", "%YAML 9.9\n---\na", "'", "key: 'unterminated"] {
            do { _ = try YAMLLoader.load(garbage) } catch { #expect(!"\(error)".isEmpty) }
        }
    }
}
