#if canImport(Glibc)
import CMalloc
#endif

/// Keeps the aggregator's resident memory close to what it holds. With many pods most of its
/// allocations are short-lived (list pages, watch events, status patches and their answers),
/// made on libcurl's transfer threads and Swift's cooperative threads. glibc gives threads
/// malloc arenas of their own (16 in a 10 000-pod run) and returns an arena's free pages to the
/// kernel only from its top, so freed memory stays resident. Measured at 10 000 pods (before
/// the pod index change, docs/BENCHMARKS.md): two arenas held 122 MiB of address space with
/// 58 MiB in use, and one malloc_trim took RssAnon from 138 to 100 MiB. So: at most two
/// arenas, large blocks always mapped (below), and a trim every `interval` (glibc's
/// malloc_trim releases whole free pages inside every arena, not only at the top). Those two
/// and one copy less of each written status (AggregatorEngine+Kept) took the 10 000-pod
/// RssAnon at the end of the benchmark from 65 to 56 MiB.
enum MemoryReclaimer {
    /// At start, before the threads that do the work exist: they share the two arenas.
    static func configure() {
        #if canImport(Glibc)
        _ = mallopt(M_ARENA_MAX, 2)
        // A fixed threshold (glibc otherwise raises it up to 32 MiB as large blocks are
        // freed): list pages and large answers are mapped and unmapped on free, instead of
        // fragmenting an arena.
        _ = mallopt(M_MMAP_THRESHOLD, 128 * 1024)
        #endif
    }

    /// Trims every `interval` until cancelled. One call walks the heap once (milliseconds at
    /// 10 000 pods), so a period of seconds costs nothing noticeable.
    static func run(every interval: Duration) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            trim()
        }
    }

    static func trim() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
