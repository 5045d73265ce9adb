/// Where a certificate's KES validity window stands at a given slot. Pure arithmetic.
///
/// A certificate issued for KES period `start` lets the node forge in periods
/// `start ..< start + maxKESEvolutions`; the node's current period is `slot / slotsPerKESPeriod`.
public struct KESWindow: Equatable, Sendable {
    public var startPeriod: UInt64
    /// The first period in which the key can no longer forge.
    public var endPeriod: UInt64
    public var currentPeriod: UInt64
    /// Periods left including the current one (0 once expired; negative never).
    public var periodsRemaining: UInt64
    /// Seconds from the observed slot until the first slot of `endPeriod` (0 once expired).
    public var secondsRemaining: Double

    public enum Position: Equatable, Sendable {
        case notYetValid, valid, expired
    }

    public var position: Position {
        if currentPeriod < startPeriod { return .notYetValid }
        if currentPeriod >= endPeriod { return .expired }
        return .valid
    }

    public static func endPeriod(start: UInt64, genesis: ShelleyGenesis) -> UInt64 {
        start.addingReportingOverflow(genesis.maxKESEvolutions).overflow ? UInt64.max : start + genesis.maxKESEvolutions
    }

    public static func at(slot: UInt64, start: UInt64, genesis: ShelleyGenesis) -> KESWindow {
        let end = endPeriod(start: start, genesis: genesis)
        let current = slot / genesis.slotsPerKESPeriod
        let remaining = current >= end ? 0 : end - min(max(current, start), end)
        let (endSlot, overflow) = end.multipliedReportingOverflow(by: genesis.slotsPerKESPeriod)
        let slotsLeft: Double = overflow ? .infinity : (endSlot > slot ? Double(endSlot - slot) : 0)
        return KESWindow(startPeriod: start, endPeriod: end, currentPeriod: current, periodsRemaining: remaining,
                         secondsRemaining: slotsLeft * genesis.slotLength)
    }
}
