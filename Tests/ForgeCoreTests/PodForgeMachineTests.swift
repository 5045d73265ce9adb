import Testing
@testable import ForgeCore

/// Hand-picked sequences for the holes the property tests guard in general.
@Suite("PodForgeMachine")
struct PodForgeMachineTests {
    /// A forging pod: node 100 up, Lease held, enable delivered.
    static func forgingWorld() -> PodWorld {
        var world = PodWorld()
        world.keys = true
        world.nodeStarts()
        world.pass()
        world.replayEnds()
        world.pass()
        world.machine.leadership(leading: world.now.advanced(by: PodWorld.term))
        world.pass()
        return world
    }

    @Test("forging needs the fence record first, then the keys, then a delivered SIGHUP")
    func enableOrder() {
        let world = Self.forgingWorld()
        #expect(world.nodeForging)
        #expect(world.machine.state == .forging(NodeProcessID(pid: 100, startTime: 100)))
        let tail = world.log.suffix(3).map { String($0.prefix(20)) }
        #expect(tail == ["writeFence(ForgeCore", "installKeys(for: pid", "signal(pid 100 (star"], "\(world.log)")
    }

    @Test("a decoy naming our socket does not stop the disable: it goes to the process the keys were for")
    func decoyDoesNotBlockTheDisable() {
        var world = Self.forgingWorld()
        world.decoy = true
        world.pass()
        #expect(world.nodeForging, "an ambiguous table does not end forging through a live handle")
        world.machine.leadership(leading: nil)
        world.pass()
        #expect(!world.nodeForging)
        #expect(world.fence == .notForging)
        #expect(world.violations.isEmpty, "\(world.violations)")
    }

    @Test("an undeliverable disable keeps the deadline, then stops the node: SIGTERM after 2 s, SIGKILL after 4 s")
    func escalation() {
        var world = Self.forgingWorld()
        world.hangUpFails = true
        world.machine.leadership(leading: nil)
        world.pass()
        #expect(world.nodeForging)
        #expect(world.fence?.deadline != nil, "the guard keeps enforcing while the disable is owed")
        world.now = world.now.advanced(by: .milliseconds(1900))
        world.pass()
        #expect(world.nodeForging && world.node != nil, "still within the bound: SIGHUP retried")
        world.now = world.now.advanced(by: .milliseconds(200))
        world.pass()
        #expect(world.node == nil, "SIGTERM after 2 s: a dead node cannot forge")
        #expect(world.log.contains { $0.contains("terminate") })
        world.pass()
        #expect(world.fence == .notForging, "nothing owed once it is gone")
        #expect(world.violations.isEmpty, "\(world.violations)")
    }

    @Test("a restarted reporter finds its predecessor's forging record: keys go and that node is told first")
    func predecessorRecord() {
        var world = PodWorld(previous: .forging(node: NodeProcessID(pid: 99, startTime: 99)))
        world.node = NodeProcessID(pid: 99, startTime: 99)
        world.keys = true
        world.socketUp = true
        world.nodeForging = true
        world.decoy = true     // and the process table cannot tell which node is ours
        world.fence = .forging(until: world.now.advanced(by: .seconds(5)), node: world.node)
        world.pass()
        let first = world.log.prefix(2).map { String($0.prefix(17)) }
        #expect(first == ["removeKeys(reason", "signal(pid 99 (st"], "\(world.log)")
        #expect(!world.nodeForging)
        #expect(world.fence == .notForging)
    }

    @Test("no keys are installed while the guard's heartbeat is stale")
    func staleGuard() {
        var world = PodWorld()
        world.keys = true
        world.nodeStarts()
        world.pass()
        world.replayEnds()
        world.guardAlive = false
        world.pass()
        world.machine.leadership(leading: world.now.advanced(by: PodWorld.term))
        world.pass()
        #expect(!world.nodeForging)
        #expect(!world.keys)
        world.guardAlive = true
        world.pass()
        #expect(world.nodeForging)
    }

    @Test("a graceful stop releases the Lease only after a confirmed disable")
    func stopReleasesAfterConfirmation() {
        var world = Self.forgingWorld()
        world.machine.requestStop()
        world.pass()
        #expect(!world.nodeForging)
        #expect(world.released == 1)
        #expect(world.machine.state == .stopped)
        #expect(world.log.contains { $0.hasPrefix("confirmDisable") })
    }

    @Test("a fenced pod shows as fenced until another pod leads")
    func fenceIsHistoryOnceAnotherLeads() {
        var world = Self.forgingWorld()
        world.machine.fenced(now: world.now)
        world.pass()
        #expect(!world.nodeForging)
        #expect(world.machine.fencedAt != nil)
        world.machine.anotherLeads()
        #expect(world.machine.fencedAt == nil)
    }
}
