import ForgeCore
import Testing
@testable import Aggregator

/// The engine keeps PodIndex in step with every pod event instead of rebuilding it per pass:
/// an update or deletion must leave no trace of the pod's old labels or pool.
@Suite struct PodIndexTests {
    static func pod(_ name: String, labels: [String: String], pool: String?) throws -> PodSnapshot {
        let report = try pool.map {
            try ForgeReport(
                pod: name, network: "mainnet", poolId: $0, region: "eu", sequence: 1, reportedAt: nil,
                leadership: .init(holder: name, leaseName: "l", transitions: 1), forging: .init(enabled: false, confirmedBy: .none),
                socket: .init(path: "/s", healthy: true), process: .init(pid: 1, found: true),
                credentials: .init(state: .absent), phase: .standby
            ).annotationValue()
        }
        let snapshot = PodSnapshot(name: name, labels: labels, reportAnnotation: report)
        if pool != nil, case .failure(let error)? = snapshot.report { Issue.record("fixture report unusable: \(error)") }
        return snapshot
    }

    @Test func followsUpdatesAndDeletions() throws {
        var index = PodIndex()
        let a = try Self.pod("a", labels: ["pool": "p1", "app": "bp"], pool: "pool1")
        let b = try Self.pod("b", labels: ["pool": "p1", "app": "bp"], pool: "pool1")
        index.insert(a); index.insert(b)
        let p1 = try LabelSelector.parse("pool=p1,app=bp")
        #expect(Set(index.candidates(for: p1)?.map(\.name) ?? []) == ["a", "b"])
        #expect(Set(index.pods(of: PoolKey(network: "mainnet", poolId: "pool1")).map(\.name)) == ["a", "b"])

        // b moves to another pool and label: replace as the engine does (remove the old, insert the new).
        let moved = try Self.pod("b", labels: ["pool": "p2", "app": "bp"], pool: "pool2")
        index.remove(b); index.insert(moved)
        #expect(index.candidates(for: p1)?.map(\.name) == ["a"])
        #expect(index.pods(of: PoolKey(network: "mainnet", poolId: "pool1")).map(\.name) == ["a"])
        #expect(index.pods(of: PoolKey(network: "mainnet", poolId: "pool2")).map(\.name) == ["b"])

        index.remove(a)
        #expect(index.candidates(for: p1)?.isEmpty == true)
        #expect(index.pods(of: PoolKey(network: "mainnet", poolId: "pool1")).isEmpty)
        #expect(index.byLabel["pool=p1"] == nil && index.byPool.count == 1, "empty buckets are dropped")
        // A selector without matchLabels has no candidate set: every pod is one.
        #expect(index.candidates(for: try LabelSelector.parse("app in (bp)")) == nil)
    }

    @Test func aPodWithoutAUsableReportIsIndexedByLabelOnly() throws {
        var index = PodIndex()
        index.insert(PodSnapshot(name: "c", labels: ["pool": "p3"], reportAnnotation: "{corrupt"))
        #expect(index.candidates(for: try LabelSelector.parse("pool=p3"))?.map(\.name) == ["c"])
        #expect(index.byPool.isEmpty)
    }
}
