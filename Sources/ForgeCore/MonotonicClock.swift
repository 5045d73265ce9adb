#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on a monotonic time line, in nanoseconds. Only differences are meaningful.
///
/// The system implementation reads `CLOCK_BOOTTIME`: it never jumps with the wall clock, keeps
/// counting through a suspend (so a lease cannot silently expire for others while our fence
/// timer is frozen), and is shared by every container of a pod, since they share a kernel.
/// That last property is what lets the guard container enforce the reporter's fence deadline.
public struct MonotonicInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    public func advanced(by duration: Duration) -> MonotonicInstant {
        let delta = duration.nanoseconds
        if delta >= 0 {
            return MonotonicInstant(nanoseconds: nanoseconds &+ UInt64(delta))
        }
        let back = UInt64(-delta)
        return MonotonicInstant(nanoseconds: back > nanoseconds ? 0 : nanoseconds - back)
    }

    /// `self - earlier`, as a signed duration.
    public func duration(since earlier: MonotonicInstant) -> Duration {
        if nanoseconds >= earlier.nanoseconds {
            return .nanoseconds(Int64(nanoseconds - earlier.nanoseconds))
        }
        return .nanoseconds(-Int64(earlier.nanoseconds - nanoseconds))
    }

    public var description: String { "mono:\(nanoseconds)ns" }
}

extension Duration {
    /// The whole duration in nanoseconds (saturating at Int64 bounds).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        return scaled &+ attoseconds / 1_000_000_000
    }

    /// The duration in (fractional) seconds.
    public var seconds: Double { Double(nanoseconds) / 1e9 }
}

/// Source of monotonic time. Injected everywhere a decision depends on elapsed time, so the
/// logic is tested with `ManualClock` and never consults the wall clock.
public protocol MonotonicClock: Sendable {
    func now() -> MonotonicInstant
}

/// `CLOCK_BOOTTIME` on Linux, `CLOCK_MONOTONIC` elsewhere.
public struct SystemMonotonicClock: MonotonicClock {
    public init() {}

    public func now() -> MonotonicInstant {
        var ts = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_BOOTTIME, &ts)
        #else
        clock_gettime(CLOCK_MONOTONIC, &ts)
        #endif
        return MonotonicInstant(nanoseconds: UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec))
    }
}

/// A clock the test moves by hand.
public final class ManualClock: MonotonicClock, @unchecked Sendable {
    private var current: MonotonicInstant
    private let lock = Lock()

    public init(start: MonotonicInstant = MonotonicInstant(nanoseconds: 1_000_000_000_000)) {
        current = start
    }

    public func now() -> MonotonicInstant { lock.withLock { current } }

    public func advance(by duration: Duration) {
        lock.withLock { current = current.advanced(by: duration) }
    }
}
