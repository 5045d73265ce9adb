import Foundation
import Testing
@testable import ForgeCore

/// Table-driven tests of the cross-region decision: our state × health × peer states × ties.
@Suite struct ForgeDecisionTests {
    static let timeout: Duration = .seconds(6)

    enum Peer: String, CaseIterable {
        case none
        case betterOff           // better ranked, eligible, shows false: ranks better, we wait
        case betterOn            // better ranked and forging
        case betterStaleOn       // better ranked, showed true, heartbeat stale beyond timeout
        case betterRecentOn      // better ranked, showed true, heartbeat quiet but within timeout
        case betterUnhealthyOff  // would rank better but its own aggregator says unhealthy
        case betterDisabled      // better priority but Disabled
        case worseOff
        case worseOn             // worse ranked but still shows forgingEnabled true
        case worsePodForging     // worse ranked, false, but a fresh pod still reports forging
        case worseStalePod       // worse ranked, false, forging pod no longer fresh
        case noStatus            // peer CR with no status heartbeat yet, within the timeout
        case noStatusStale       // same, but seen for longer than the timeout

        func region() -> PeerRegion? {
            func status(_ on: Bool, priority: Int, healthy: Bool = true, state: String = "Priority-based",
                        pods: [CardanoForgeClusterStatus.ReportingPod] = []) -> CardanoForgeClusterStatus {
                var s = CardanoForgeClusterStatus()
                s.forgingEnabled = on; s.effectivePriority = priority; s.effectiveState = state
                s.healthStatus = .init(healthy: healthy); s.heartbeat = 7; s.reportingPods = pods
                return s
            }
            let fresh: Duration = .seconds(1)
            let stale: Duration = .seconds(7)
            func peer(_ s: CardanoForgeClusterStatus?, age: Duration = fresh) -> PeerRegion {
                PeerRegion(name: "peer", creationTimestamp: "2026-01-01T00:00:00Z", spec: .init(priority: 10), status: s, heartbeatAge: age)
            }
            switch self {
            case .none: return nil
            case .betterOff: return peer(status(false, priority: 10))
            case .betterOn: return peer(status(true, priority: 10))
            case .betterStaleOn: return peer(status(true, priority: 10), age: stale)
            case .betterRecentOn: return peer(status(true, priority: 10), age: .seconds(5))
            case .betterUnhealthyOff: return peer(status(false, priority: 110, healthy: false))
            case .betterDisabled: return peer(status(false, priority: 10, state: "Disabled"))
            case .worseOff: return peer(status(false, priority: 200))
            case .worseOn: return peer(status(true, priority: 200))
            case .worsePodForging: return peer(status(false, priority: 200, pods: [.init(podName: "p-0", forging: true, fresh: true)]))
            case .worseStalePod: return peer(status(false, priority: 200, pods: [.init(podName: "p-0", forging: true, fresh: false)]))
            case .noStatus: return peer(nil)
            case .noStatusStale: return peer(nil, age: stale)
            }
        }

        /// Whether, for an eligible us at priority 100, the peer lets us forge (after settling).
        var allowsUs: Bool {
            switch self {
            case .none, .betterStaleOn, .betterUnhealthyOff, .betterDisabled, .worseOff, .worseStalePod, .noStatusStale: true
            default: false
            }
        }
    }

    static func input(state: ForgeState = .priorityBased, healthy: Bool = true, peer: Peer,
                      currentlyEnabled: Bool = false, candidateFor: Duration? = .seconds(100)) -> ForgeDecisionInput {
        ForgeDecisionInput(
            name: "self", creationTimestamp: "2025-01-01T00:00:00Z",
            effective: EffectiveState.compute(spec: .init(forgeState: state, priority: 100), healthy: healthy, now: Date()),
            currentlyEnabled: currentlyEnabled, peers: peer.region().map { [$0] } ?? [],
            peerTimeout: timeout, settle: .seconds(2), candidateFor: candidateFor)
    }

    @Test(arguments: [ForgeState.enabled, .disabled, .priorityBased], Peer.allCases)
    func stateHealthAndPeerTable(state: ForgeState, peer: Peer) {
        for healthy in [true, false] {
            let decision = ForgeDecider.decide(Self.input(state: state, healthy: healthy, peer: peer))
            let expected = healthy && state != .disabled && peer.allowsUs
            #expect(decision.forgingEnabled == expected, "\(state) healthy=\(healthy) peer=\(peer): \(decision.message)")
            if state == .disabled { #expect(decision.reason == "Disabled") }
            if state != .disabled, !healthy { #expect(decision.reason == "Unhealthy") }
        }
    }

    @Test func settleDelaysTurningOnOnlyWhileLivePeersExist() {
        let waiting = ForgeDecider.decide(Self.input(peer: .worseOff, candidateFor: .seconds(1)))
        #expect(!waiting.forgingEnabled && waiting.candidate && waiting.reason == "Settling")
        let alone = ForgeDecider.decide(Self.input(peer: .none, candidateFor: nil))
        #expect(alone.forgingEnabled)
        let alreadyOn = ForgeDecider.decide(Self.input(peer: .worseOff, currentlyEnabled: true, candidateFor: nil))
        #expect(alreadyOn.forgingEnabled)
    }

    @Test func bothOnMeansWeTurnOff() {
        let decision = ForgeDecider.decide(Self.input(peer: .worseOn, currentlyEnabled: true))
        #expect(!decision.forgingEnabled)
        #expect(decision.reason == "WaitingForPeers")
        #expect(decision.message.contains("peer"))
    }

    @Test(arguments: [
        // (our priority, our creation, peer priority, peer creation, peer name, we win)
        (100, "2025-01-01T00:00:00Z", 101, "2024-01-01T00:00:00Z", "a", true),
        (100, "2025-01-01T00:00:00Z", 100, "2024-01-01T00:00:00Z", "z", false),   // older peer wins the tie
        (100, "2024-01-01T00:00:00Z", 100, "2025-01-01T00:00:00Z", "a", true),    // we are older
        (100, "2025-01-01T00:00:00Z", 100, "2025-01-01T00:00:00Z", "a", false),   // same age: name "a" < "self"
        (100, "2025-01-01T00:00:00Z", 100, "2025-01-01T00:00:00Z", "z", true),
    ])
    func tiesBreakByAgeThenName(ourPriority: Int, ourCreation: String, peerPriority: Int, peerCreation: String,
                                peerName: String, weWin: Bool) {
        var peerStatus = CardanoForgeClusterStatus()
        peerStatus.forgingEnabled = false; peerStatus.effectivePriority = peerPriority
        peerStatus.effectiveState = "Priority-based"; peerStatus.heartbeat = 1
        let input = ForgeDecisionInput(
            name: "self", creationTimestamp: ourCreation,
            effective: EffectiveState.compute(spec: .init(priority: ourPriority), healthy: true, now: Date()),
            currentlyEnabled: false,
            peers: [PeerRegion(name: peerName, creationTimestamp: peerCreation, spec: nil, status: peerStatus, heartbeatAge: .zero)],
            peerTimeout: Self.timeout, settle: .zero, candidateFor: .seconds(1))
        let decision = ForgeDecider.decide(input)
        #expect(decision.forgingEnabled == weWin)
        #expect(decision.best == (weWin ? "self" : peerName))
    }

    /// A peer (any object but ours, which the caller drops by uid) claiming our region makes
    /// the region ambiguous: nobody forges, live peer or silent one.
    @Test(arguments: [Duration.zero, .seconds(600)])
    func peerClaimingOurRegionBlocks(peerAge: Duration) {
        var peerStatus = CardanoForgeClusterStatus()
        peerStatus.forgingEnabled = false; peerStatus.heartbeat = 1
        func decide(peerRegion: String, ours: String?) -> ForgeDecision {
            var peerSpec = CardanoForgeClusterSpec(priority: 200)
            peerSpec.region = peerRegion
            return ForgeDecider.decide(ForgeDecisionInput(
                name: "self", creationTimestamp: "2025-01-01T00:00:00Z",
                effective: EffectiveState.compute(spec: .init(priority: 100), healthy: true, now: Date()),
                currentlyEnabled: true,
                peers: [PeerRegion(name: "self", creationTimestamp: nil, spec: peerSpec, status: peerStatus, heartbeatAge: peerAge)],
                peerTimeout: Self.timeout, settle: .zero, candidateFor: .seconds(10), region: ours))
        }
        let conflict = decide(peerRegion: "us", ours: "us")
        #expect(!conflict.forgingEnabled && !conflict.candidate)
        #expect(conflict.reason == "ConflictingRegion")
        #expect(conflict.message.contains("also claims region us"))
        let distinct = decide(peerRegion: "eu", ours: "us")
        #expect(distinct.forgingEnabled && distinct.reason == "BestRanked")
    }
}
