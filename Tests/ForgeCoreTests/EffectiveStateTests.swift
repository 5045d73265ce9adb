import Foundation
import Testing
@testable import ForgeCore

@Suite struct EffectiveStateTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let future = RFC3339.format(now.addingTimeInterval(3600))
    static let past = RFC3339.format(now.addingTimeInterval(-1))

    enum OverrideCase: String, CaseIterable {
        case absent, activeNoExpiry, activeUntilFuture, expired, disabledFlag, unreadableExpiry

        var override: CardanoForgeClusterSpec.Override? {
            switch self {
            case .absent: nil
            case .activeNoExpiry: .init(enabled: true, reason: "maint", forcePriority: 5, forceState: .enabled)
            case .activeUntilFuture: .init(enabled: true, expiresAt: future, forcePriority: 5, forceState: .enabled)
            case .expired: .init(enabled: true, expiresAt: past, forcePriority: 5, forceState: .enabled)
            case .disabledFlag: .init(enabled: false, forcePriority: 5, forceState: .enabled)
            case .unreadableExpiry: .init(enabled: true, expiresAt: "tomorrow", forcePriority: 5, forceState: .enabled)
            }
        }

        var applies: Bool { self == .activeNoExpiry || self == .activeUntilFuture }
    }

    @Test(arguments: [ForgeState.enabled, .disabled, .priorityBased], OverrideCase.allCases)
    func overrideThenForgeState(state: ForgeState, overrideCase: OverrideCase) {
        for healthy in [true, false] {
            let spec = CardanoForgeClusterSpec(forgeState: state, priority: 50, override: overrideCase.override)
            let effective = EffectiveState.compute(spec: spec, healthy: healthy, now: Self.now)
            let expectedState = overrideCase.applies ? ForgeState.enabled : state
            let expectedPriority = (overrideCase.applies ? 5 : 50) + (healthy ? 0 : 100)
            #expect(effective.state == expectedState)
            #expect(effective.priority == expectedPriority)
            #expect(effective.overrideActive == overrideCase.applies)
            #expect(effective.eligible == (healthy && expectedState != .disabled))
            switch overrideCase {
            case .activeNoExpiry: #expect(effective.notes.contains { $0.contains("applies until disabled") })
            case .expired: #expect(effective.notes.contains { $0.contains("expired") })
            case .unreadableExpiry: #expect(effective.notes.contains { $0.contains("not RFC 3339") })
            default: break
            }
        }
    }

    @Test func defaultsAndUnknownState() {
        let plain = EffectiveState.compute(spec: .init(), healthy: true, now: Self.now)
        #expect(plain.state == .priorityBased && plain.priority == 100 && plain.eligible)
        let typo = EffectiveState.compute(spec: .init(forgeState: .init(rawValue: "enabled")), healthy: true, now: Self.now)
        #expect(!typo.eligible)
        #expect(typo.notes.contains { $0.contains("unknown forgeState") })
    }

    @Test func overrideCanDisableARegion() {
        let spec = CardanoForgeClusterSpec(forgeState: .enabled, override: .init(enabled: true, expiresAt: Self.future, forceState: .disabled))
        #expect(!EffectiveState.compute(spec: spec, healthy: true, now: Self.now).eligible)
    }
}
