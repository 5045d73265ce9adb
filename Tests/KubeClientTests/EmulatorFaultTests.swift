import Foundation
import ForgeCore
import KubeClient
import Testing
import TestSupport

/// Retries, timeouts, rate limiting, token rotation and error mapping, with faults injected
/// by the emulator.
@Suite(.serialized) struct EmulatorFaultTests {
    @Test func rotatedTokenFileIsPickedUpAfterA401() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        // A kubeconfig naming a token file (relative path) instead of an inline token.
        let dir = emulator.directory + "/rotation"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "first-token\n".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        try """
            current-context: e
            clusters: [{name: e, cluster: {server: "https://127.0.0.1:\(emulator.port)", certificate-authority: "\(emulator.caPath)"}}]
            users: [{name: u, user: {tokenFile: token}}]
            contexts: [{name: e, context: {cluster: e, user: u}}]
            """.write(toFile: dir + "/kubeconfig", atomically: true, encoding: .utf8)
        try await emulator.setTokens(["first-token"])
        let client = try KubernetesClient(config: try KubeConfig.load(path: dir + "/kubeconfig"), options: Fixture.fast)
        _ = try await client.list(.leases, namespace: Fixture.namespace, as: Lease.self)

        try await emulator.setTokens(["second-token"])
        try "second-token".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        let mark = try await emulator.requestLog().last?.seq ?? 0
        _ = try await client.list(.leases, namespace: Fixture.namespace, as: Lease.self)
        _ = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("after-rotation"))
        let statuses = try await emulator.requestLog(since: mark).filter { $0.path.hasSuffix("/leases") }.map(\.status)
        #expect(statuses == [401, 200, 201], "one 401, then the re-read token works for every verb")
    }

    @Test func hungServerTimesOutWithinTheRequestTimeout() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        var options = Fixture.fast
        options.requestTimeout = .seconds(1)
        let client = try emulator.client(options: options)
        _ = try await emulator.addFault(FaultRule(method: "GET", pathRegex: "/leases/hung", hang: true))
        let start = ContinuousClock.now
        let error = await #expect(throws: KubeClientError.self) {
            _ = try await client.get(.leases, namespace: Fixture.namespace, name: "hung", as: Lease.self)
        }
        let elapsed = Fixture.elapsed(since: start)
        guard case .timeout? = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        // The property: cut off at the 1 s request timeout, not hung; the upper bound only
        // has slack for a loaded machine (the request would otherwise hang forever).
        #expect(elapsed >= 0.9 && elapsed < 5, "timed out after \(elapsed) s")
        try await emulator.clearFaults()
    }

    @Test func rateLimitHolds() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        var options = Fixture.fast
        options.qps = 10
        options.burst = 2
        let client = try emulator.client(options: options)
        let mark = try await emulator.requestLog().last?.seq ?? 0
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<22 {
                group.addTask { _ = try await client.list(.leases, namespace: Fixture.namespace, as: Lease.self) }
            }
            try await group.waitForAll()
        }
        let elapsed = Fixture.elapsed(since: start)
        // The lower bound is the rate limit; the upper one only catches gross over-throttling.
        #expect(elapsed >= 1.9 && elapsed < 8, "22 requests at 10 qps burst 2 took \(elapsed) s")
        let times = try await Fixture.logged(emulator, "GET", pathSuffix: "/leases", since: mark).map(\.time)
        #expect(times.count == 22)
        #expect((times.max()! - times.min()!) >= 1.8, "the server saw them spread over 2 s")
    }

    @Test func tooManyRequestsIsRetriedForGetButNotForPost() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        _ = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("busy"))
        _ = try await emulator.addFault(FaultRule(method: "GET", pathRegex: "/leases/busy", status: 429, retryAfter: 1, times: 1))
        let start = ContinuousClock.now
        let lease = try await client.get(.leases, namespace: Fixture.namespace, name: "busy", as: Lease.self)
        #expect(lease.metadata.name == "busy")
        #expect(Fixture.elapsed(since: start) >= 0.95, "Retry-After: 1 was honoured")
        #expect(try await Fixture.logged(emulator, "GET", pathSuffix: "/leases/busy").map(\.status) == [429, 200])

        _ = try await emulator.addFault(FaultRule(method: "POST", pathRegex: "/leases$", status: 429, retryAfter: 1, times: 1))
        let error = await #expect(throws: KubeAPIError.self) {
            _ = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("new"))
        }
        #expect(error?.isTooManyRequests == true)
        #expect(try await Fixture.logged(emulator, "POST", pathSuffix: "/leases").map(\.status) == [201, 429])
    }

    @Test func serverErrorsAreRetriedForReadsOnly() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        let lease = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("p500"))
        _ = try await emulator.addFault(FaultRule(method: "PUT", pathRegex: "/leases/p500", status: 500, times: 1))
        let error = await #expect(throws: KubeAPIError.self) {
            _ = try await client.update(.leases, namespace: Fixture.namespace, name: "p500", lease)
        }
        #expect(error?.code == 500)
        #expect(try await Fixture.logged(emulator, "PUT", pathSuffix: "/leases/p500").count == 1, "a PUT is never retried on 5xx")

        _ = try await emulator.addFault(FaultRule(method: "GET", pathRegex: "/leases/p500", status: 503, times: 2))
        _ = try await client.get(.leases, namespace: Fixture.namespace, name: "p500", as: Lease.self)
        #expect(try await Fixture.logged(emulator, "GET", pathSuffix: "/leases/p500").map(\.status) == [503, 503, 200])
    }

    @Test func nonJSONErrorBodyIsInvalidResponse() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        _ = try await emulator.addFault(FaultRule(method: "GET", pathRegex: "/leases/text", status: 418, body: "<html>I am a teapot</html>"))
        let error = await #expect(throws: KubeClientError.self) {
            _ = try await client.get(.leases, namespace: Fixture.namespace, name: "text", as: Lease.self)
        }
        guard case .invalidResponse(let message)? = error else {
            Issue.record("expected invalidResponse, got \(String(describing: error))")
            return
        }
        #expect(message.contains("418") && message.contains("teapot"))
    }

    @Test func unreachableServerIsATransportErrorNamingTheHost() async throws {
        // Bind a port, then close it: nothing listens there afterwards.
        let port = try Fixture.closedPort()
        let client = try KubernetesClient(
            config: KubeConfig(server: "https://127.0.0.1:\(port)", insecureSkipTLSVerify: true, token: "t"),
            options: KubeClientOptions(connectTimeout: .seconds(1), maxRetries: 1))
        let error = await #expect(throws: KubeClientError.self) {
            _ = try await client.get(.leases, namespace: "default", name: "x", as: Lease.self)
        }
        guard case .transport(let message)? = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(message.contains("127.0.0.1:\(port)"), "\(message)")
    }

    @Test func httpProbeMeasuresAndClassifies() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        // The emulator's CA is not a system CA, so verification must fail for the probe.
        let untrusted = await HTTPProbe.get(url: "https://127.0.0.1:\(emulator.port)/version", headers: [:], timeout: .seconds(2))
        #expect(untrusted.status == nil && untrusted.error != nil && !untrusted.isSuccess)
        let refused = await HTTPProbe.get(url: "http://127.0.0.1:\(try Fixture.closedPort())/", headers: [:], timeout: .seconds(2))
        #expect(refused.status == nil && refused.error?.contains("127.0.0.1") == true)
        let bad = await HTTPProbe.get(url: "file:///etc/passwd", headers: [:], timeout: .seconds(1))
        #expect(bad.error != nil && bad.status == nil)
    }
}
