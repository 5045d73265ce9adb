// forge-aggregator's allocator settings (docs/BENCHMARKS.md, "Where the memory went").
//
// The aggregator holds one small object per pod and per pool for hours, and every pass makes
// and frees many short-lived ones (statuses being compared, watch events, list pages). With
// glibc's malloc the short-lived ones leave partly used pages that malloc_trim cannot hand
// back: at 10 000 pods ~10 MiB of the heap was free but resident. jemalloc groups
// allocations by size class and returns whole free pages to the kernel:
//
//   narenas:1         one arena: a dozen threads (libcurl transfers, Swift's cooperative
//                     pool) would otherwise each get one, and free memory in one cannot serve
//                     another;
//   tcache:false      no per-thread caches of freed blocks (memory held per thread); the
//                     aggregator allocates little per second, so the arena lock costs nothing
//                     measurable;
//   dirty_decay_ms:0, muzzy_decay_ms:0
//                     free pages go back to the kernel at once rather than after a delay.
//
// jemalloc reads `malloc_conf` when it initialises, before main(); the MALLOC_CONF
// environment variable, read after it, can still override any of these.
#include <jemalloc/jemalloc.h>
#include "CAllocator.h"

const char *malloc_conf = "narenas:1,tcache:false,dirty_decay_ms:0,muzzy_decay_ms:0";

const char *forge_allocator_version(void) {
    const char *version = NULL;
    size_t length = sizeof(version);
    if (mallctl("version", &version, &length, NULL, 0) != 0) return NULL;
    return version;
}

bool forge_allocator_option(const char *name, long long *value) {
    // mallctl wants the option's exact size: narenas is an unsigned, decay times a ssize_t.
    unsigned small = 0;
    size_t length = sizeof(small);
    if (mallctl(name, &small, &length, NULL, 0) == 0) { *value = small; return true; }
    ssize_t wide = 0;
    length = sizeof(wide);
    if (mallctl(name, &wide, &length, NULL, 0) == 0) { *value = wide; return true; }
    return false;
}

bool forge_allocator_flag(const char *name, bool *value) {
    size_t length = sizeof(*value);
    return mallctl(name, value, &length, NULL, 0) == 0;
}
