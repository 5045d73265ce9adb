import PropertyBased
import Testing
@testable import ForgeCore

/// The pod's safety invariants over random event sequences (leadership, time, node restarts
/// and deaths, decoys, failing signals, installs and fence writes, permission, guard, stop):
/// - never a "not forging" fence record while the node forges (a disable is owed);
/// - never keys installed without a fence deadline more than the margin ahead;
/// - never a claim of forging without a delivered enable;
/// - never a Lease release while a disable is owed or the node forges;
/// - and, when signals can be delivered, a node never forges past the fence deadline by more
///   than the escalation bound.
@Suite("PodForgeMachine properties")
struct PodForgeMachinePropertyTests {
    static let events = Gen.int(in: 0...21).array(of: 1...160)

    @Test("invariants hold over random event sequences")
    func invariants() async {
        await propertyCheck(count: 400, input: Self.events) { events in
            var world = PodWorld()
            Self.run(events, in: &world)
            #expect(world.violations.isEmpty, "\(world.violations.first ?? "") — last actions: \(world.log.suffix(8))")
        }
    }

    @Test("a predecessor's forging record: invariants hold, and the node is disabled before anything else")
    func restartedReporter() async {
        await propertyCheck(count: 200, input: Self.events) { events in
            var world = PodWorld(previous: .forging(node: NodeProcessID(pid: 99, startTime: 99)))
            world.node = NodeProcessID(pid: 99, startTime: 99)
            world.keys = true
            world.socketUp = true
            world.nodeForging = true
            world.fence = .forging(until: world.now.advanced(by: .seconds(5)), node: world.node)
            world.pass()
            #expect(!world.nodeForging || world.hangUpFails, "first pass disables: \(world.log)")
            #expect(world.fence != .notForging || !world.nodeForging)
            Self.run(events, in: &world)
            #expect(world.violations.isEmpty, "\(world.violations.first ?? "") — last actions: \(world.log.suffix(8))")
        }
    }

    static func run(_ events: [Int], in world: inout PodWorld) {
        var lastLeaseDeadline: MonotonicInstant?
        for event in events {
            switch event {
            case 0, 1: world.now = world.now.advanced(by: .milliseconds(100 * (event + 1)))
            case 2: world.now = world.now.advanced(by: .seconds(1))
            case 3, 4:
                // Acquire or renew: leading for the renew deadline from now.
                let deadline = world.now.advanced(by: PodWorld.term)
                lastLeaseDeadline = deadline
                world.machine.leadership(leading: deadline)
            case 5: world.machine.leadership(leading: nil)
            case 6: world.machine.fenced(now: world.now)
            case 7: world.clusterAllowed.toggle()
            case 8: world.guardAlive.toggle()
            case 9: world.nodeDies()
            case 10: world.nodeStarts()
            case 11: world.replayEnds()
            case 12: world.decoy.toggle()
            case 13: world.hangUpFails.toggle()
            case 14: world.installFails.toggle()
            case 15: world.fenceWriteFails.toggle()
            case 16: world.credentialsUsable.toggle()
            case 17: world.guardTick()
            case 18: world.machine.requestStop()
            case 19: world.signalsFail = event == 19 && !world.signalsFail
            case 20: world.nonProducing.toggle()
            default: world.socketUp = false
            }
            world.pass()
            world.guardTick()
            // Past the fence deadline, with signals deliverable, the node must not forge for
            // longer than the escalation (SIGHUP, then SIGTERM, then SIGKILL, 2 s apart).
            if let deadline = lastLeaseDeadline, world.nodeForging, !world.signalsFail, !world.hangUpFails,
               !world.machine.isLeader, world.now.duration(since: deadline) > .seconds(5) {
                world.violations.append("the node forges \(world.now.duration(since: deadline)) after the fence deadline")
            }
        }
    }
}
