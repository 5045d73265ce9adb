import CAllocator

/// The allocator forge-aggregator runs on: jemalloc with the settings compiled into
/// `Sources/CAllocator/allocator.c` (one arena, no thread caches, free pages returned at
/// once). Logged at start, so an operator can see which allocator and settings a running
/// aggregator has (MALLOC_CONF in the environment can override them).
enum Allocator {
    struct Settings: Equatable, Sendable, CustomStringConvertible {
        var version: String
        var arenas: Int64?
        var threadCaches: Bool?
        var dirtyDecayMilliseconds: Int64?
        var muzzyDecayMilliseconds: Int64?

        var description: String {
            func show<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "?" }
            return "jemalloc \(version) (arenas \(show(arenas)), thread caches \(show(threadCaches)), "
                + "dirty decay \(show(dirtyDecayMilliseconds)) ms, muzzy decay \(show(muzzyDecayMilliseconds)) ms)"
        }
    }

    /// nil when the process's allocator is not jemalloc (the library was not linked first).
    static func current() -> Settings? {
        guard let version = forge_allocator_version() else { return nil }
        return Settings(
            version: String(cString: version), arenas: option("opt.narenas"), threadCaches: flag("opt.tcache"),
            dirtyDecayMilliseconds: option("opt.dirty_decay_ms"), muzzyDecayMilliseconds: option("opt.muzzy_decay_ms"))
    }

    private static func option(_ name: String) -> Int64? {
        var value: Int64 = 0
        return forge_allocator_option(name, &value) ? value : nil
    }

    private static func flag(_ name: String) -> Bool? {
        var value = false
        return forge_allocator_flag(name, &value) ? value : nil
    }
}
