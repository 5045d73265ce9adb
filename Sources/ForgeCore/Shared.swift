/// An immutable value kept once on the heap and shared by reference. The aggregator holds a
/// pool's status in several maps at once (what it wants written, what it last wrote, the
/// object as the API server stores it): inline, a status takes ~0.5 KiB in every slot of each
/// map, used or not; shared, a slot is a pointer and equal statuses are one allocation
/// (docs/BENCHMARKS.md, "forge-aggregator at scale").
public final class Shared<Value: Equatable & Sendable>: Equatable, Sendable {
    public let value: Value

    public init(_ value: Value) { self.value = value }

    public static func == (a: Shared, b: Shared) -> Bool { a === b || a.value == b.value }
}
