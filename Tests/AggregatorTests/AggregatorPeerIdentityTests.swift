import ForgeCore
import Foundation
import KubeClient
import TestSupport
import Testing

/// Only the very object an aggregator decides for is "ourselves" (same `metadata.uid`); any
/// other CardanoForgeCluster of the pool with our name or region is a peer, and one claiming
/// our region blocks forging with `ConflictingRegion` (issue #9, hole 5).
@Suite(.serialized) struct AggregatorPeerIdentityTests {
    /// A peer API server holds a CardanoForgeCluster with our name *and* region (a copied
    /// install, a mistyped region): not us, so nobody in our region may forge.
    @Test func peerWithOurNameAndRegionBlocksForging() async throws {
        let home = try await AggregatorFixture.start()
        defer { home.emulator.stop() }
        let remote = try await AggregatorFixture.start()
        defer { remote.emulator.stop() }
        let ours = try await home.createCluster(region: "us", priority: 10)
        let theirs = try await remote.createCluster(region: "us", priority: 20)
        #expect(ours == theirs)
        let aggregator = try home.startAggregator(region: "us", identity: "agg-us",
                                                  extra: ["--peer-kubeconfig", remote.emulator.kubeconfigPath])
        _ = aggregator
        try await eventually(timeout: .seconds(20), "our region shows its decision") {
            try await home.status(ours)?.reason == "ConflictingRegion"
        }
        let status = try #require(try await home.status(ours))
        #expect(status.forgingEnabled == false, "\(status.reason ?? ""): \(status.message ?? "")")
        #expect(status.reason == "ConflictingRegion")
        #expect(status.message?.contains("also claims region us") == true, "\(status.message ?? "")")
        let condition = status.conditions?.first { $0.type == "Degraded" }
        #expect(condition?.reason == "ConflictingRegion" && condition?.status == "True", "\(String(describing: status.conditions))")
    }

    /// Our own object seen again through a peer kubeconfig that points at our own API server
    /// (same uid) is still ourselves: it does not block.
    @Test func ownObjectThroughAPeerKubeconfigIsOurselves() async throws {
        let home = try await AggregatorFixture.start()
        defer { home.emulator.stop() }
        let ours = try await home.createCluster(region: "us", priority: 10)
        let aggregator = try home.startAggregator(region: "us", identity: "agg-us",
                                                  extra: ["--peer-kubeconfig", home.emulator.kubeconfigPath])
        _ = aggregator
        try await eventually(timeout: .seconds(20), "our region forges") {
            try await home.status(ours)?.forgingEnabled == true
        }
        #expect(try await home.status(ours)?.reason == "BestRanked")
    }
}
