import ForgeCore
import Testing

@Suite struct PoolViewTests {
    static func peer(_ name: String, enabled: Bool?, forging: [Bool], age: Int) -> PeerRegion {
        var status = CardanoForgeClusterStatus()
        status.forgingEnabled = enabled
        status.reportingPods = forging.enumerated().map { index, on in
            CardanoForgeClusterStatus.ReportingPod(podName: "\(name)-\(index)", forging: on)
        }
        return PeerRegion(name: name, creationTimestamp: nil, spec: nil, status: status, heartbeatAge: .seconds(age))
    }

    @Test("table: own region plus live peers; silent peers are unknown, never counted as idle or forging",
          arguments: [
              // own forgers, own allowed, peers, expected (forging, allowed, unknown, peers)
              (0, false, [peer("eu", enabled: true, forging: [true, false], age: 5)], PoolView(forgingPods: 1, allowedRegions: 1, unknownRegions: 0, peerRegions: 1)),
              (1, true, [peer("eu", enabled: false, forging: [false], age: 5)], PoolView(forgingPods: 1, allowedRegions: 1, unknownRegions: 0, peerRegions: 1)),
              (1, true, [peer("eu", enabled: true, forging: [true], age: 5)], PoolView(forgingPods: 2, allowedRegions: 2, unknownRegions: 0, peerRegions: 1)),
              (0, false, [peer("eu", enabled: true, forging: [true], age: 60)], PoolView(forgingPods: 0, allowedRegions: 0, unknownRegions: 1, peerRegions: 1)),
              (0, false, [], PoolView(forgingPods: 0, allowedRegions: 0, unknownRegions: 0, peerRegions: 0)),
              (2, true, [peer("eu", enabled: nil, forging: [], age: 0), peer("ap", enabled: true, forging: [true], age: 59)],
               PoolView(forgingPods: 3, allowedRegions: 2, unknownRegions: 0, peerRegions: 2)),
          ] as [(Int, Bool, [PeerRegion], PoolView)])
    func table(_ ownForgers: Int, _ ownAllowed: Bool, _ peers: [PeerRegion], _ expected: PoolView) {
        #expect(PoolView.compute(ownForgingPods: ownForgers, ownAllowed: ownAllowed, peers: peers,
                                 peerTimeout: .seconds(60)) == expected)
    }
}
