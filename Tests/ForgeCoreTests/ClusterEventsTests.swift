import ForgeCore
import Testing

@Suite struct ClusterEventsTests {
    static func snap(_ enabled: Bool = false, reason: String = "NotBestRanked", healthy: Bool? = nil, override: Bool = false,
                     configured: Bool = false, forging: Int = 0, peers: [String: Bool] = ["eu": true],
                     consistent: Bool? = true) -> ClusterEventSnapshot {
        ClusterEventSnapshot(forgingEnabled: enabled, reason: reason, message: "", healthy: healthy, overrideActive: override,
                             overrideConfigured: configured, forgingPods: forging, peers: peers, credentialsConsistent: consistent)
    }

    @Test("table: transitions and the events they tell", arguments: [
        (nil, snap(), [String]()),
        (nil, snap(healthy: false), ["HealthCheckFailing"]),
        (snap(), snap(), []),
        (snap(), snap(true, reason: "BestRanked"), ["RegionAllowed"]),
        (snap(true), snap(false, reason: "Unhealthy", healthy: false), ["HealthCheckFailing", "RegionWithdrawn"]),
        (snap(healthy: false), snap(healthy: true), ["HealthCheckPassing"]),
        (snap(), snap(override: true, configured: true), ["OverrideApplied"]),
        (snap(override: true, configured: true), snap(configured: true), ["OverrideExpired"]),
        (snap(peers: ["eu": true]), snap(true, peers: ["eu": false]), ["PeerGone", "RegionAllowed"]),
        (snap(peers: ["eu": false]), snap(peers: ["eu": true]), ["PeerBack"]),
        (snap(peers: [:]), snap(peers: ["eu": false]), []),
        (snap(true, forging: 1), snap(true, forging: 2), ["MultipleForgers"]),
        (snap(true, forging: 2), snap(true, forging: 3), []),
        (snap(), snap(consistent: false), ["CredentialsInconsistent"]),
        (snap(consistent: false), snap(consistent: false), []),
    ] as [(ClusterEventSnapshot?, ClusterEventSnapshot, [String])])
    func transitions(_ old: ClusterEventSnapshot?, _ new: ClusterEventSnapshot, _ reasons: [String]) {
        #expect(ClusterEventDetector.events(from: old, to: new).map(\.reason) == reasons)
    }

    @Test("notes carry the decision's reason; expired vs removed overrides are told apart")
    func notes() {
        var allowed = Self.snap(true, reason: "BestRanked")
        allowed.message = "priority 1"
        #expect(ClusterEventDetector.events(from: Self.snap(), to: allowed).first?.note == "this region may forge (BestRanked: priority 1)")
        let removed = ClusterEventDetector.events(from: Self.snap(override: true, configured: true), to: Self.snap())
        #expect(removed.first?.note == "spec.override removed")
        #expect(ClusterEventDetector.events(from: Self.snap(), to: Self.snap(forging: 2)).first?.warning == true)
    }
}
