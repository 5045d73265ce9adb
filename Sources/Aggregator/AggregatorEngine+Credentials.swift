import ForgeCore
import FoundationEssentials

extension AggregatorEngine {
    /// The region's credentials from its fresh pods' reports and its live peers' summaries
    /// (ForgeCore's `RegionCredentialsJudge`; nothing is decided here).
    func judgeCredentials(cluster: CardanoForgeCluster, selected: [PodSnapshot], aggregate: PodAggregate,
                          peers: [PeerRegion], wall: Date) -> RegionCredentialsJudge.Judgement {
        RegionCredentialsJudge.judge(
            pods: RegionCredentialsJudge.pods(from: selected, aggregate: aggregate), peers: peers,
            peerTimeout: config.peerTimeout, now: wall, generation: cluster.metadata.generation)
    }
}
