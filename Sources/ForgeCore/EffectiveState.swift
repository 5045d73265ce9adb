import FoundationEssentials

/// What a region's spec means right now: override first (if enabled and unexpired), then
/// `forgeState`; priority is the base (or forced) priority plus the health penalty.
public struct EffectiveState: Equatable, Sendable {
    public var state: ForgeState
    public var priority: Int
    public var healthy: Bool
    /// The override in force, if any.
    public var overrideActive: Bool
    /// Human-readable notes for the status message (override in force / expired, bad values).
    public var notes: [String]

    /// Not Disabled (or unknown), and healthy.
    public var eligible: Bool {
        switch state {
        case .enabled, .priorityBased: healthy
        case .disabled, .unknown: false
        }
    }

    /// `overrideExpiry` parses `override.expiresAt`; `now` is the wall clock, which an
    /// expiry time written by a person can only be compared with.
    public static func compute(spec: CardanoForgeClusterSpec, healthy: Bool, now: Date) -> EffectiveState {
        var notes: [String] = []
        var state = spec.forgeState ?? .priorityBased
        var priority = spec.priority ?? CardanoForgeClusterSpec.defaultPriority
        if !(1...999).contains(priority) {
            notes.append("priority \(priority) is outside 1-999; using \(min(max(priority, 1), 999))")
            priority = min(max(priority, 1), 999)
        }
        var overrideActive = false
        if let override = spec.override, override.enabled == true {
            var expired = false
            var expiry: Date?
            if let text = override.expiresAt {
                if let parsed = RFC3339.parse(text) {
                    expiry = parsed
                    expired = parsed <= now
                } else {
                    // An unreadable expiry is treated as expired: an override that cannot be
                    // bounded in time must not silently apply forever.
                    expired = true
                    notes.append("override.expiresAt \"\(text)\" is not RFC 3339; override ignored")
                }
            }
            let why = override.reason.map { " (\($0))" } ?? ""
            if expired {
                if expiry != nil { notes.append("override\(why) expired at \(override.expiresAt!)") }
            } else {
                overrideActive = true
                if let forced = override.forceState { state = forced }
                if let forced = override.forcePriority { priority = min(max(forced, 1), 999) }
                notes.append(expiry == nil
                    ? "override\(why) active with no expiresAt: it applies until disabled"
                    : "override\(why) active until \(override.expiresAt!)")
            }
        }
        if case .unknown(let raw) = state {
            notes.append("unknown forgeState \"\(raw)\": treated as Disabled")
        }
        if !healthy { priority += HealthTracker.unhealthyPriorityPenalty }
        return EffectiveState(state: state, priority: priority, healthy: healthy,
                              overrideActive: overrideActive, notes: notes)
    }
}
