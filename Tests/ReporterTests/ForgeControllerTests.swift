import ForgeCore
import Foundation
import Testing
@testable import Reporter

@Suite("ForgeController (fakes + ManualClock)")
struct ForgeControllerTests {
    @Test("shouldForge = holdsLease ∧ clusterAllowed ∧ nodeUp, over all eight combinations",
          arguments: [false, true], [false, true])
    func truthTable(holdsLease: Bool, clusterAllowed: Bool) async throws {
        for nodeUp in [false, true] {
            let h = try ControllerHarness()
            h.permission.set(clusterAllowed)
            await h.bootNode()
            if holdsLease { await h.acquire() }
            if !nodeUp {
                // The node process dies: it forges no more, whatever the files say.
                h.node.update { $0.socketUp = false; $0.location = .notRunning; $0.nodeForging = false }
                await h.controller.reconcile()
            }
            let expected = holdsLease && clusterAllowed && nodeUp
            if nodeUp {
                #expect(h.node.current.keysPresent == expected,
                        "lease=\(holdsLease) cluster=\(clusterAllowed) node=\(nodeUp)")
            } else {
                // With no node process the files are boot keys for its next (non-producing)
                // start, never forging keys: the report must not claim them as such.
                #expect(h.publisher.last?.phase != .forging)
            }
            #expect(h.node.current.nodeForging == expected)
            #expect(h.publisher.last?.forging.enabled == expected)
            #expect(h.metric("cardano_forging_enabled{") && h.registry.emitToString().contains(
                "cardano_forging_enabled{pod=\"pod-0\",network=\"\",pool_id=\"\",application=\"block-producer\"} \(expected ? 1 : 0)"))
        }
    }

    @Test("a non-producing boot gets keys; when the socket comes up they go before the election")
    func bootSequence() async throws {
        let h = try ControllerHarness()
        await h.controller.start()
        await h.controller.reconcile()
        #expect(h.node.current.keysPresent, "no process yet: keys provisioned so the node can start")
        #expect(h.health.snapshot.nodeCanBoot, "the startup probe the node container waits for passes")
        #expect(h.leadership.joins.current == 0)

        h.node.update { $0.location = .found(pid: 7, nonProducingFlag: true) }
        await h.controller.reconcile()
        #expect(h.node.current.keysPresent)
        #expect(h.health.snapshot.nodeCanBoot)
        #expect(h.leadership.joins.current == 0)

        h.node.update { $0.socketUp = true }
        await h.controller.reconcile()
        #expect(!h.node.current.keysPresent)
        let effects = h.effects.all
        let remove = try #require(h.effects.index(of: "remove"))
        let hup = try #require(h.effects.index(of: "sighup 7 forging=false"))
        let join = try #require(h.effects.index(of: "join"))
        #expect(remove < hup && hup < join, "\(effects)")
        #expect(h.publisher.last?.phase == .standby)
    }

    @Test("a node started without --start-as-non-producing-node gets no keys and an error")
    func refusesProducingStart() async throws {
        let h = try ControllerHarness()
        await h.controller.start()
        h.node.update { $0.location = .found(pid: 9, nonProducingFlag: false) }
        await h.controller.reconcile()
        #expect(!h.node.current.keysPresent)
        let report = try #require(h.publisher.last)
        #expect(report.phase == .error)
        #expect(report.lastError?.contains("--start-as-non-producing-node") == true)
        #expect(h.health.snapshot.nodeCanBoot == false)
    }

    @Test("boot keys provisioned before the node started are unlinked, unsignalled, when it starts producing")
    func bootKeysWithdrawnFromProducingStart() async throws {
        let h = try ControllerHarness()
        await h.controller.start()
        await h.controller.reconcile()
        #expect(h.node.current.keysPresent)
        h.node.update { $0.location = .found(pid: 11, nonProducingFlag: false) }
        await h.controller.reconcile()
        #expect(!h.node.current.keysPresent, "a producing start must not keep the keys")
        #expect(!h.effects.all.contains { $0.hasPrefix("sighup 11") }, "no SIGHUP to a booting node")
        let report = try #require(h.publisher.last)
        #expect(report.phase == .error)
        #expect(report.lastError?.contains("--start-as-non-producing-node") == true)
        #expect(h.leadership.joins.current == 0)
    }

    @Test("a standby whose node is down leaves the election even with boot keys provisioned")
    func standbyWithDeadNodeLeavesElection() async throws {
        let h = try ControllerHarness()
        await h.bootNode(pid: 100)
        #expect(h.leadership.joins.current == 1)
        h.node.update { $0.socketUp = false; $0.location = .notRunning }
        await h.controller.reconcile()
        #expect(h.node.current.keysPresent, "boot keys for the restart")
        #expect(h.effects.all.contains { $0.hasPrefix("release") || $0.hasPrefix("leave") },
                "a pod whose node is down must not stay a candidate: \(h.effects.all)")
    }

    @Test("the elector's fence removes the keys and signals the node at once")
    func fencedEventRemovesKeys() async throws {
        let h = try ControllerHarness()
        await h.bootNode()
        await h.acquire()
        #expect(h.node.current.nodeForging)
        await h.controller.handle(.fenced(reason: "renew deadline passed"))
        #expect(!h.node.current.keysPresent)
        #expect(!h.node.current.nodeForging)
        #expect(h.node.current.fence == .notForging)
        #expect(h.publisher.last?.phase == .fenced)
        #expect(h.metric("cardano_fence_events_total 1"))
    }

    @Test("our own check fences when the deadline passes without any event")
    func ownFenceCheck() async throws {
        let h = try ControllerHarness()
        await h.bootNode()
        await h.acquire(remaining: .seconds(2))
        #expect(h.node.current.nodeForging)
        guard case .forging(let until, _)? = h.node.current.fence else {
            Issue.record("fence file not written before forging"); return
        }
        #expect(until == h.clock.now().advanced(by: .seconds(2)))
        h.clock.advance(by: .milliseconds(1999))
        await h.controller.reconcile()
        #expect(h.node.current.keysPresent, "still before the deadline")
        h.clock.advance(by: .milliseconds(1))
        await h.controller.reconcile()
        #expect(!h.node.current.keysPresent)
        #expect(!h.node.current.nodeForging)
    }

    @Test("keys are never installed when the fence deadline is within the margin")
    func noInstallInsideMargin() async throws {
        let h = try ControllerHarness()
        await h.bootNode()
        let margin = h.config.fenceMargin
        await h.acquire(remaining: margin)
        #expect(!h.node.current.keysPresent, "deadline exactly at the margin: too close")
        await h.controller.handle(.renewed(fenceDeadline: h.clock.now().advanced(by: margin + .milliseconds(1))))
        #expect(h.node.current.keysPresent)
        #expect(h.node.current.fence?.deadline == h.clock.now().advanced(by: margin + .milliseconds(1)))
    }

    @Test("the fence file follows every renew while forging")
    func fenceFollowsRenewals() async throws {
        let h = try ControllerHarness()
        await h.bootNode()
        await h.acquire()
        h.clock.advance(by: .milliseconds(500))
        let next = h.clock.now().advanced(by: .seconds(2))
        await h.controller.handle(.renewed(fenceDeadline: next))
        #expect(h.node.current.fence == .forging(until: next, node: NodeProcessID(pid: 100, startTime: 100)))
    }

    @Test("an unsignallable node is never reported as forging, and the signal is retried")
    func unsignallableNode() async throws {
        let h = try ControllerHarness()
        await h.bootNode()
        h.node.update { $0.signalError = "EPERM" }
        await h.acquire()
        let report = try #require(h.publisher.last)
        #expect(!report.forging.enabled)
        #expect(report.phase == .error)
        #expect(h.health.snapshot.ready == false)
        #expect(h.registry.emitToString().contains("cardano_forging_enabled{pod=\"pod-0\",network=\"\",pool_id=\"\",application=\"block-producer\"} 0"))

        h.node.update { $0.signalError = nil }
        await h.controller.reconcile()
        #expect(h.node.current.nodeForging)
        #expect(h.publisher.last?.forging.enabled == true)
        #expect(h.publisher.last?.forging.confirmedBy == .sighupLog)
        #expect(h.publisher.last?.phase == .forging)
    }

    @Test("an ambiguous node process is never signalled or reported as forging")
    func ambiguousNode() async throws {
        let h = try ControllerHarness()
        await h.bootNode()
        h.node.update { $0.location = .unavailable("2 processes named cardano-node") }
        await h.acquire()
        #expect(h.publisher.last?.forging.enabled == false)
        #expect(h.publisher.last?.lastError?.contains("2 processes") == true)
        #expect(!h.effects.all.contains { $0.hasPrefix("sighup") && $0.contains("forging=true") })
    }

    @Test("an unreadable source key: clear error, forging state unchanged")
    func installFailure() async throws {
        let h = try ControllerHarness()
        await h.bootNode()
        h.node.update { $0.installError = "cannot read /secrets/kes.skey: permission denied" }
        await h.acquire()
        #expect(!h.node.current.keysPresent)
        #expect(!h.node.current.nodeForging)
        let report = try #require(h.publisher.last)
        #expect(report.lastError?.contains("/secrets/kes.skey") == true)
        #expect(!report.forging.enabled)
        #expect(!h.effects.all.contains { $0.hasPrefix("sighup") && $0.contains("forging=true") })
    }

    @Test("losing cluster permission removes the keys")
    func clusterPermissionWithdrawn() async throws {
        let h = try ControllerHarness()
        await h.bootNode()
        await h.acquire()
        #expect(h.node.current.nodeForging)
        h.permission.set(false)
        await h.controller.permissionChanged()
        #expect(!h.node.current.keysPresent)
        #expect(!h.node.current.nodeForging)
        #expect(h.publisher.last?.phase == .leader)
    }

    @Test("SIGTERM: remove keys, SIGHUP, release the Lease, then publish stopping")
    func shutdownOrder() async throws {
        let h = try ControllerHarness()
        await h.bootNode(pid: 42)
        await h.acquire()
        #expect(h.node.current.nodeForging)
        await h.controller.shutdown()
        let effects = h.effects.all
        let remove = try #require(effects.lastIndex(of: "remove"))
        let hup = try #require(effects.lastIndex(of: "sighup 42 forging=false"))
        let release = try #require(effects.firstIndex(of: "release"))
        let stopping = try #require(effects.firstIndex(of: "publish stopping"))
        #expect(remove < hup && hup < release && release < stopping, "\(effects)")
        #expect(!h.node.current.nodeForging)
        #expect(h.node.current.fence == .notForging)
    }

    @Test("SIGTERM with an unconfirmable disable does not release the Lease")
    func shutdownWithoutConfirmation() async throws {
        let h = try ControllerHarness()
        await h.bootNode(pid: 42)
        await h.acquire()
        h.node.update { $0.signalError = "ESRCH" }
        await h.controller.shutdown()
        #expect(h.effects.all.contains("leave-without-release"))
        #expect(!h.effects.all.contains("release"))
        #expect(h.publisher.last?.phase == .stopping)
    }

    @Test("node restart on the leader: keys go, the election is left, and a new boot is provisioned")
    func nodeRestartOnLeader() async throws {
        let h = try ControllerHarness()
        await h.bootNode(pid: 100)
        await h.acquire()
        #expect(h.node.current.nodeForging)
        let before = h.effects.all.count
        h.node.update { $0.socketUp = false; $0.location = .notRunning; $0.nodeForging = false }
        await h.controller.reconcile()
        let after = Array(h.effects.all.dropFirst(before))
        // The dead forger's keys go, "not forging" is recorded, the Lease is released, and the
        // next (non-producing) start is provisioned.
        let remove = try #require(after.firstIndex(of: "remove"), "\(after)")
        let fence = try #require(after.firstIndex(of: "fence notForging"), "\(after)")
        let release = try #require(after.firstIndex(of: "release"), "\(after)")
        #expect(remove < fence && fence < release, "\(after)")
        #expect(h.publisher.last?.forging.enabled == false)

        h.node.update { $0.location = .found(pid: 200, nonProducingFlag: true) }
        await h.controller.reconcile()
        #expect(h.node.current.keysPresent, "the new node process is provisioned for its boot")
        h.node.update { $0.socketUp = true }
        await h.controller.reconcile()
        #expect(!h.node.current.keysPresent)
        #expect(h.leadership.joins.current == 2)
    }

    @Test("a node that restarted behind a socket that never went down is told again what to do")
    func quickRestartWhileLeader() async throws {
        let h = try ControllerHarness()
        await h.bootNode(pid: 100)
        await h.acquire()
        #expect(h.publisher.last?.forging.enabled == true)
        // The process is replaced; the new one starts non-producing with the keys on disk.
        h.node.update { $0.location = .found(pid: 101, nonProducingFlag: true); $0.nodeForging = false }
        await h.controller.reconcile()
        #expect(h.effects.all.contains("sighup 101 forging=true"))
        #expect(h.node.current.nodeForging)
        #expect(h.publisher.last?.process.pid == 101)
        #expect(h.publisher.last?.forging.enabled == true)
    }

    @Test("a node caught while exiting (empty command line) is not refused; a live one without the flag is")
    func refusalNeedsASecondLook() async throws {
        let h = try ControllerHarness()
        await h.controller.start()
        // First lookup sees no flag, the second finds the process gone: nothing to refuse.
        h.node.update { $0.upcomingLocations = [.found(pid: 5, nonProducingFlag: false), .notRunning] }
        await h.controller.reconcile()
        #expect(h.publisher.last?.lastError == nil)
        h.node.update { $0.location = .found(pid: 6, nonProducingFlag: false) }
        await h.controller.reconcile()
        #expect(h.publisher.last?.phase == .error)
        #expect(!h.node.current.keysPresent)
    }

    @Test("reports: sequence increments per publish; unchanged content waits for the heartbeat")
    func reportHeartbeat() async throws {
        let h = try ControllerHarness(settings: ["REPORT_HEARTBEAT": "10"])
        await h.bootNode()
        let count = h.publisher.reports.current.count
        let seq = try #require(h.publisher.last?.sequence)
        await h.controller.reconcile()
        #expect(h.publisher.reports.current.count == count, "nothing changed, no heartbeat due")
        h.clock.advance(by: .seconds(10))
        await h.controller.reconcile()
        #expect(h.publisher.reports.current.count == count + 1)
        #expect(h.publisher.last?.sequence == seq + 1)
        let sequences = h.publisher.reports.current.map(\.sequence)
        #expect(sequences == Array(1...Int64(sequences.count)))
    }

    @Test("healthz fails when no pass completed within the liveness window")
    func liveness() async throws {
        let h = try ControllerHarness()
        await h.bootNode()
        #expect(h.health.isAlive)
        h.clock.advance(by: h.config.livenessWindow + .seconds(1))
        #expect(!h.health.isAlive)
        await h.controller.reconcile()
        #expect(h.health.isAlive)
    }
}
