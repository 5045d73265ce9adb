import Testing
@testable import Aggregator

/// forge-aggregator's memory at scale depends on its allocator (docs/BENCHMARKS.md,
/// "forge-aggregator at scale"): jemalloc, linked by the CAllocator target, with the settings of
/// Sources/CAllocator/allocator.c. This test process links the same module, so it runs on the
/// same allocator: if the library stops being linked, or is no longer the one that serves
/// malloc, or the settings stop being read, this fails.
@Suite struct AllocatorTests {
    @Test func theAggregatorRunsOnJemallocWithItsSettings() throws {
        let settings = try #require(Allocator.current(), "jemalloc does not serve malloc in a process linking Aggregator")
        #expect(settings.version.hasPrefix("5."))
        #expect(settings.arenas == 1)
        #expect(settings.threadCaches == false)
        #expect(settings.dirtyDecayMilliseconds == 0)
        #expect(settings.muzzyDecayMilliseconds == 0)
        #expect(settings.description.contains("arenas 1"))
    }
}
