#if canImport(Glibc)
import CMalloc
#endif

/// Keeps the aggregator's resident memory close to what it holds. With many pods most of its
/// allocations are short-lived (list pages, watch events, status patches and their answers),
/// made on libcurl's transfer threads and Swift's cooperative threads. glibc gives each of
/// those threads its own malloc arena and returns an arena's free pages to the kernel only
/// from its top, so freed memory stays resident, spread over many arenas: at 10 000 pods the
/// heap was ~125 MiB of anonymous memory in two 64 MiB arenas, most of it free
/// (docs/BENCHMARKS.md). Two arenas bound the spread; a trim every `interval` hands free pages
/// back (glibc's malloc_trim releases whole free pages inside every arena, not only at the top).
enum MemoryReclaimer {
    /// Before any thread allocates (at start): later threads share the two arenas.
    static func limitArenas() {
        #if canImport(Glibc)
        _ = mallopt(M_ARENA_MAX, 2)
        #endif
    }

    /// Trims every `interval` until cancelled. One call walks the heap once (milliseconds at
    /// 10 000 pods), so a period of tens of seconds costs nothing noticeable.
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
