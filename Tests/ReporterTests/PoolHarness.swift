import ForgeCore
import ForgeNode
import Foundation
import KubeClient
import Testing
import TestSupport

/// An emulator, a namespace and N pods, plus the forging oracle: the stand-ins' transition
/// files, from which `assertNoOverlap` proves that no two nodes ever forged at once.
final class PoolHarness: @unchecked Sendable {
    let emulator: Emulator
    let root: String
    let namespace = "pool"
    private(set) var pods: [PodHarness] = []
    /// The pool's credentials, in every pod's Secret directory.
    let credentials: CredentialFixture

    init(podCount: Int, extraEnvironment: [String: String] = [:], crds: Bool = false,
         replayDelay: Double = 0, sharedNodeName: String? = nil, nodeMetrics: Bool = false,
         nodeEnvironment: [String: String] = [:]) async throws {
        emulator = try await Emulator.start()
        root = NSTemporaryDirectory() + "reporter-it-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        if crds { try await emulator.installCRDs() }
        try await emulator.createNamespace(namespace)
        credentials = try CredentialFixture.generate()
        for index in 0..<podCount {
            let pod = try PodHarness(name: "producer-\(index)", index: index, namespace: namespace,
                                     emulator: emulator, root: root, sharedNodeName: sharedNodeName,
                                     credentials: credentials)
            pod.replayDelay = replayDelay
            pod.nodeEnvironment.merge(nodeEnvironment) { $1 }
            if nodeMetrics { try pod.enableNodeMetrics() }
            pods.append(pod)
        }
        // Tests name made-up pools (POOL_ID); the reporter checks the certificate's pool, so
        // it is told the generated cold key's pool unless a test says otherwise.
        let environment = ["POOL_ID_HEX": credentials.poolIdHex].merging(extraEnvironment) { $1 }
        for pod in pods { try await pod.start(extraEnvironment: environment) }
    }

    /// Stops every process; removes the temp directory unless KEEP_TEST_DIRS is set (logs of
    /// every process are in it).
    func shutdown() {
        for pod in pods { pod.stop() }
        emulator.stop()
        if ProcessInfo.processInfo.environment["KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    var now: UInt64 { SystemMonotonicClock().now().nanoseconds }

    func timeline() throws -> ForgingTimeline {
        var timeline = ForgingTimeline()
        for pod in pods { try pod.addTransitions(to: &timeline) }
        return timeline
    }

    /// Pods whose node currently forges, by the oracle (a SIGKILLed node forges no more).
    func forgingPods() throws -> [PodHarness] {
        let open = try timeline().intervals(openUntil: now).filter(\.open)
        return pods.filter { pod in
            open.contains { $0.source == pod.transitionsFile && !pod.killedPIDs.contains($0.pid) }
        }
    }

    /// When `pod`'s node last started forging (boottime ns), if it is forging.
    func forgingSince(_ pod: PodHarness) throws -> UInt64? {
        try timeline().intervals(openUntil: now).last {
            $0.open && $0.source == pod.transitionsFile && !pod.killedPIDs.contains($0.pid)
        }?.start
    }

    func waitForSingleForger(timeout: Duration = .seconds(20), excluding: PodHarness? = nil) async throws -> PodHarness {
        var found: PodHarness?
        try await eventually(timeout: timeout, poll: .milliseconds(20), "exactly one pod forges") {
            let forging = try forgingPods()
            if forging.count == 1, forging[0] !== excluding { found = forging[0] }
            return found != nil
        }
        return found!
    }

    /// Waits until one pod forges and every other one reports itself a ready standby (booted
    /// and in the election): the starting point of every failover scenario.
    func waitForSteadyState(timeout: Duration = .seconds(20)) async throws -> PodHarness {
        let leader = try await waitForSingleForger(timeout: timeout)
        try await eventually(timeout: timeout, "every other pod is a standby") {
            for pod in pods where pod !== leader {
                guard try await pod.report()?.phase == .standby else { return false }
            }
            return true
        }
        return leader
    }

    /// The safety invariant over the whole test: intervals of enabled forging never overlap.
    func assertNoOverlap(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let overlaps = try timeline().overlaps(openUntil: now)
        #expect(overlaps.isEmpty, "forging intervals overlap: \(overlaps)", sourceLocation: sourceLocation)
    }
}
