import ForgeCore
import Testing
@testable import Reporter

@Suite("ForgingCondition")
struct ForgeDecisionTests {
    let now = MonotonicInstant(nanoseconds: 10_000_000_000)

    @Test("only all three conditions together forge", arguments: 0..<8)
    func truthTable(bits: Int) {
        let lease = bits & 1 != 0, cluster = bits & 2 != 0, node = bits & 4 != 0
        let decision = ForgingCondition(
            holdsLease: lease, clusterAllowed: cluster, nodeUp: node,
            fenceDeadline: now.advanced(by: .seconds(5)), now: now, margin: .seconds(1))
        #expect(decision.shouldForge(keysInstalled: false) == (lease && cluster && node))
        #expect(decision.shouldForge(keysInstalled: true) == (lease && cluster && node))
    }

    @Test("install needs more than the margin; installed keys stay until the deadline")
    func margin() {
        func decide(_ remaining: Duration, installed: Bool) -> Bool {
            ForgingCondition(holdsLease: true, clusterAllowed: true, nodeUp: true,
                          fenceDeadline: now.advanced(by: remaining), now: now, margin: .seconds(1))
                .shouldForge(keysInstalled: installed)
        }
        #expect(!decide(.seconds(1), installed: false))
        #expect(decide(.milliseconds(1001), installed: false))
        #expect(decide(.milliseconds(1), installed: true))
        #expect(!decide(.zero, installed: true))
        #expect(!ForgingCondition(holdsLease: true, clusterAllowed: true, nodeUp: true,
                               fenceDeadline: nil, now: now, margin: .seconds(1))
            .shouldForge(keysInstalled: true))
    }
}
