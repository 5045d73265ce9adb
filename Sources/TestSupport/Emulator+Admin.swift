import Foundation
import KubeClient
import Yams

/// Fixtures and fault injection over the emulator's API and `/_emulator` admin endpoints.
extension Emulator {
    /// Creates the project's CRDs from `charts/cardano-forge-crds/crds/*.yaml`.
    public func installCRDs() async throws {
        let directory = RepoPaths.crdDirectory
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        guard !files.isEmpty else { throw EmulatorError.missingCRDs(directory: directory) }
        for file in files {
            let path = directory + "/" + file
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw EmulatorError.badCRDFile(path: path, reason: "\(error)")
            }
            let documents: [Any]
            do {
                documents = try Array(Yams.load_all(yaml: text)).compactMap { $0 }
            } catch {
                throw EmulatorError.badCRDFile(path: path, reason: "YAML: \(error)")
            }
            for document in documents {
                guard let object = document as? [String: Any], object["kind"] as? String == "CustomResourceDefinition",
                      JSONSerialization.isValidJSONObject(object) else { continue }
                let body = try JSONSerialization.data(withJSONObject: object)
                try await expect([201, 409], "POST", ResourceType.customResourceDefinitions.path(namespace: nil), body)
            }
        }
    }

    /// Creates a namespace (an existing one is fine).
    public func createNamespace(_ name: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: [
            "apiVersion": "v1", "kind": "Namespace", "metadata": ["name": name],
        ])
        try await expect([201, 409], "POST", ResourceType.namespaces.path(namespace: nil), body)
    }

    /// Installs a fault rule; returns its id.
    @discardableResult
    public func addFault(_ rule: FaultRule) async throws -> String {
        let data = try await expect([201], "POST", "/_emulator/faults", try JSONEncoder().encode(rule))
        struct Created: Decodable { let id: String }
        return try JSONDecoder().decode(Created.self, from: data).id
    }

    /// Removes every fault rule and releases hung requests (their connections are closed).
    public func clearFaults() async throws {
        try await expect([200], "DELETE", "/_emulator/faults")
    }

    /// The installed fault rules with how many requests took each so far (counted on arrival,
    /// before a delay: a delayed request is "in flight" once its rule's `hits` went up).
    public func faults() async throws -> [ActiveFault] {
        let data = try await expect([200], "GET", "/_emulator/faults")
        return try JSONDecoder().decode([ActiveFault].self, from: data)
    }

    /// API requests (admin requests excluded) with `seq` greater than `since`.
    public func requestLog(since: Int = 0) async throws -> [LoggedRequest] {
        let data = try await expect([200], "GET", "/_emulator/requests", query: [("since", String(since))])
        return try JSONDecoder().decode([LoggedRequest].self, from: data)
    }

    /// Closes every open watch stream abruptly (no final chunk), as a dying apiserver would.
    public func cutWatches() async throws {
        try await expect([200], "POST", "/_emulator/watches/cut")
    }

    /// Forgets the watch history: watches from any older resourceVersion now get 410 Gone.
    public func compactHistory() async throws {
        try await expect([200], "POST", "/_emulator/compact")
    }

    /// Replaces the bearer tokens the API accepts (the admin endpoints keep accepting the
    /// original token, which `client()` and these helpers use).
    public func setTokens(_ tokens: [String]) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["tokens": tokens])
        try await expect([200], "PUT", "/_emulator/tokens", body)
    }

    @discardableResult
    private func expect(
        _ statuses: Set<Int>, _ method: String, _ path: String, _ body: Data? = nil, query: [(String, String)] = []
    ) async throws -> Data {
        let response = try await admin.send(
            method: method, path: path, query: query, body: body, contentType: body == nil ? nil : "application/json")
        guard statuses.contains(response.status) else {
            throw EmulatorError.adminRequestFailed(
                method: method, path: path, status: response.status,
                body: String(decoding: response.body, as: UTF8.self))
        }
        return response.body
    }
}
