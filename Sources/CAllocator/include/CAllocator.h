// The aggregator's memory allocator: jemalloc, linked into forge-aggregator, with the settings
// in allocator.c. Declared here for Swift: what the process's allocator reports about itself.
#ifndef CALLOCATOR_H
#define CALLOCATOR_H

#include <stdbool.h>
#include <stddef.h>

// jemalloc's version string ("5.3.0-0-g..."), or NULL if jemalloc is not the allocator.
const char *forge_allocator_version(void);
// The value of a numeric jemalloc option ("opt.narenas", "opt.dirty_decay_ms", ...): false
// if the option cannot be read (not jemalloc, unknown name).
bool forge_allocator_option(const char *name, long long *value);
// The same for a boolean option ("opt.tcache").
bool forge_allocator_flag(const char *name, bool *value);

#endif
