import Foundation
import Testing
@testable import KubeClient

/// Kubeconfig files whose YAML is malformed or uses what the loader refuses: the error names
/// the file, the line and the cause; values that YAML types (numbers, booleans) stay strings
/// only when quoted.
@Suite final class KubeConfigYAMLTests {
    let dir: String

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    init() throws {
        dir = NSTemporaryDirectory() + "kubeconfig-yaml-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func write(_ text: String) throws -> String {
        let path = dir + "/config-\(UUID().uuidString)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func message(_ text: String) throws -> String {
        let path = try write(text)
        do {
            _ = try KubeConfig.load(path: path)
            return "loaded"
        } catch KubeClientError.config(let message) {
            #expect(message.hasPrefix("kubeconfig \(path): "), "names the file: \(message)")
            return message
        }
    }

    @Test func quotedNumberIsAStringTokenAndAPlainOneIsRefused() throws {
        let quoted = try KubeConfig.load(path: try write("""
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h:1"}}]
            users: [{name: u, user: {token: "12345"}}]
            contexts: [{name: x, context: {cluster: c, user: u, namespace: '0042'}}]
            """))
        #expect(quoted.token == "12345")
        #expect(quoted.namespace == "0042")
        let plain = try message("""
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h:1"}}]
            users: [{name: u, user: {token: 12345}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """)
        #expect(plain.contains("user \"u\" field token is not a string"), "\(plain)")
    }

    @Test func yamlBooleansAndQuotedBooleans() throws {
        let yes = try KubeConfig.load(path: try write("""
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h:1", insecure-skip-tls-verify: yes}}]
            contexts: [{name: x, context: {cluster: c}}]
            """))
        #expect(yes.insecureSkipTLSVerify)
        let quoted = try message("""
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h:1", insecure-skip-tls-verify: "true"}}]
            contexts: [{name: x, context: {cluster: c}}]
            """)
        #expect(quoted.contains("insecure-skip-tls-verify is not a boolean"), "\(quoted)")
    }

    @Test func malformedYAMLNamesTheLine() throws {
        let text = try message("""
            current-context: x
            clusters:
            - name: c
              cluster:
                server: "https://h:1"
               bad-indent: 1
            """)
        #expect(text.contains("not valid YAML at line 6, column"), "\(text)")
    }

    @Test func aliasesAreRefusedWithTheirLine() throws {
        let text = try message("""
            current-context: x
            clusters:
            - name: c
              cluster: &shared {server: "https://h:1"}
            - name: d
              cluster: *shared
            contexts: [{name: x, context: {cluster: c}}]
            """)
        #expect(text.contains("line 6") && text.contains("alias *shared"), "\(text)")
    }

    @Test func aSecondDocumentIsRefused() throws {
        let text = try message("""
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h:1"}}]
            contexts: [{name: x, context: {cluster: c}}]
            ---
            current-context: y
            """)
        #expect(text.contains("line 4") && text.contains("a second YAML document"), "\(text)")
    }

    @Test func emptyFileIsNotAMapping() throws {
        #expect(try message("").contains("the document is not a YAML mapping"))
        #expect(try message("- a\n- b\n").contains("the document is not a YAML mapping"))
    }

    @Test func nullFieldsAreAbsent() throws {
        let config = try KubeConfig.load(path: try write("""
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h:1", certificate-authority-data: ~}}]
            contexts: [{name: x, context: {cluster: c, namespace: null}}]
            """))
        #expect(config.caData == nil && config.namespace == nil)
    }
}
