// glibc's malloc tuning (mallopt, malloc_trim), which the Glibc module does not export. Used
// by the aggregator to bound its malloc arenas and hand free pages back (MemoryReclaimer).
#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H

#include <malloc.h>

#endif
