import ForgeCore
import ForgeNode
import Foundation
import Prometheus
@testable import Reporter

/// Ordered record of what the fakes were asked to do, shared by all of them, so tests can
/// assert the order of side effects across the node, the election and the publisher.
final class SideEffects: Sendable {
    private let entries = Locked<[String]>([])
    func record(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.current }
    func index(of prefix: String) -> Int? { all.firstIndex { $0.hasPrefix(prefix) } }
}

struct FakeError: Error, CustomStringConvertible {
    var description: String
}

/// Test shorthand for sightings by pid (the start time is the pid: a new pid is a new process).
extension NodeSighting {
    static func found(pid: Int32, nonProducingFlag: Bool) -> NodeSighting {
        .running(NodeProcessID(pid: pid, startTime: UInt64(pid)), nonProducing: nonProducingFlag)
    }
    static func unavailable(_ why: String) -> NodeSighting { .unknown(why) }
}

/// A cardano-node side that behaves as §3 says: SIGHUP makes the node forge exactly when all
/// keys are present; it "logs" every reconfiguration. A process lives from the moment it is
/// seen until another one (or none) is seen; an ambiguous look changes nothing.
final class FakeNode: NodeSide, Sendable {
    struct State {
        var socketUp = false
        var location: NodeSighting = .notRunning {
            didSet {
                switch location {
                case .running(let process, _):
                    if !alive.contains(process.pid) { alive = [process.pid] }
                case .notRunning: alive = []
                case .unknown: break
                }
            }
        }
        var alive: Set<Int32> = []
        /// Answers for the next lookups, before `location` applies again.
        var upcomingLocations: [NodeSighting] = []
        var keysPresent = false
        var installError: String?
        var signalError: String?
        var fence: FenceIntent?
        var previous: PreviousFence = .none
        var guardAlive = true
        var nodeForging = false
        var log: [Bool] = []
        var canConfirm = true
    }

    let state = Locked(State())
    let effects: SideEffects

    init(effects: SideEffects) { self.effects = effects }

    func update(_ body: (inout State) -> Void) { state.withLock(body) }
    var current: State { state.current }

    func socketAcceptsConnections() async -> Bool { state.current.socketUp }
    func locateNode() -> NodeSighting {
        state.withLock { s in s.upcomingLocations.isEmpty ? s.location : s.upcomingLocations.removeFirst() }
    }
    func isAlive(_ process: NodeProcessID) -> Bool? { state.current.alive.contains(process.pid) }

    func credentialSnapshot() -> CredentialSnapshot {
        state.current.keysPresent ? CredentialSnapshot(state: .present, opCertSHA256: "abc") : .absent
    }

    func provisionCredentials() throws -> Bool { try install() }
    func installCredentials(for process: NodeProcessID) throws -> Bool { try install() }

    private func install() throws -> Bool {
        try state.withLock { s in
            if let error = s.installError { throw FakeError(description: error) }
            defer { s.keysPresent = true }
            if !s.keysPresent { effects.record("install") }
            return !s.keysPresent
        }
    }

    func removeCredentials() throws -> Bool {
        state.withLock { s in
            defer { s.keysPresent = false }
            if s.keysPresent { effects.record("remove") }
            return s.keysPresent
        }
    }

    func send(_ signal: NodeSignal, to process: NodeProcessID) throws {
        try state.withLock { s in
            if let error = s.signalError { throw FakeError(description: error) }
            guard s.alive.contains(process.pid) else { throw SignalError.noSuchProcess(pid: process.pid) }
            switch signal {
            case .hangUp:
                s.nodeForging = s.keysPresent
                s.log.append(s.keysPresent)
                effects.record("sighup \(process.pid) forging=\(s.keysPresent)")
            case .terminate, .kill:
                s.alive.remove(process.pid)
                s.nodeForging = false
                effects.record("\(signal.rawValue) \(process.pid)")
            }
        }
    }

    func writeFence(_ record: FenceIntent) throws {
        state.withLock { $0.fence = record }
        effects.record("fence \(record)")
    }

    func previousFence() -> PreviousFence { state.current.previous }
    func guardAlive() -> Bool { state.current.guardAlive }

    var canConfirm: Bool { state.current.canConfirm }
    func metricsShowForging() async -> Bool? { nil }
    func logMark() -> Int { state.current.log.count }
    func loggedForging(after mark: Int) -> Bool? {
        let log = state.current.log
        return log.count > mark ? log.last : nil
    }
}

final class FakeLeadership: LeadershipSource, Sendable {
    let effects: SideEffects
    let joins = Locked(0)
    init(effects: SideEffects) { self.effects = effects }

    func join(_ deliver: @escaping @Sendable (LeadershipUpdate) async -> Void) async {
        joins.withLock { $0 += 1 }
        effects.record("join")
    }

    func leave(release: Bool) async {
        effects.record(release ? "release" : "leave-without-release")
    }
}

final class FakePermission: ClusterPermissionSource, Sendable {
    let value = Locked(ClusterPermission.allowed("test"))
    func permission(at now: MonotonicInstant) -> ClusterPermission { value.current }
    func set(_ allowed: Bool) {
        value.withLock { $0 = allowed ? .allowed("test allows") : .denied("test denies") }
    }
}

final class RecordingPublisher: ReportPublisher, Sendable {
    let reports = Locked<[ForgeReport]>([])
    let effects: SideEffects
    init(effects: SideEffects) { self.effects = effects }

    func submit(_ report: ForgeReport) { reports.withLock { $0.append(report) } }

    func publishNow(_ report: ForgeReport, timeout: Duration) async -> Bool {
        reports.withLock { $0.append(report) }
        effects.record("publish \(report.phase.rawValue)")
        return true
    }

    var last: ForgeReport? { reports.current.last }
}

/// A controller wired to fakes and a ManualClock.
struct ControllerHarness {
    let effects = SideEffects()
    let node: FakeNode
    let leadership: FakeLeadership
    let permission = FakePermission()
    let publisher: RecordingPublisher
    let clock = ManualClock()
    let registry = PrometheusCollectorRegistry()
    let health: HealthState
    let config: ReporterConfig
    let controller: ForgeController

    init(settings: [String: String] = [:]) throws {
        var all = ["POD_NAME": "pod-0", "NAMESPACE": "pool", "LEASE_DURATION": "4",
                   "RENEW_DEADLINE": "2", "RETRY_PERIOD": "0.5", "RENEW_INTERVAL": "1", "SLEEP_INTERVAL": "1"]
        all.merge(settings) { $1 }
        config = try ReporterConfig.load(settings: all)
        node = FakeNode(effects: effects)
        leadership = FakeLeadership(effects: effects)
        publisher = RecordingPublisher(effects: effects)
        health = HealthState(clock: clock, livenessWindow: config.livenessWindow)
        let deps = ForgeController.Dependencies(
            node: node, leadership: leadership, permission: permission, publisher: publisher,
            metrics: ReporterMetrics(registry: registry, config: config), health: health,
            clock: clock, logger: .init(label: "test"),
            confirmTimeout: .milliseconds(300), fastPoll: .milliseconds(5), stopBound: .milliseconds(300))
        controller = ForgeController(config: config, dependencies: deps)
    }

    /// Boots the node through the non-producing start and joins the election.
    func bootNode(pid: Int32 = 100) async {
        await controller.start()
        node.update { $0.location = .found(pid: pid, nonProducingFlag: true) }
        await controller.reconcile()
        node.update { $0.socketUp = true }
        await controller.reconcile()
    }

    /// Makes this pod leader with a fence deadline `remaining` from now.
    func acquire(remaining: Duration = .seconds(2)) async {
        await controller.handle(.acquired(
            fenceDeadline: clock.now().advanced(by: remaining), transitions: 1, acquiredAt: nil))
    }

    func metric(_ line: String) -> Bool {
        registry.emitToString().split(separator: "\n").contains { $0.hasPrefix(line) }
    }
}
