#include "process_control.h"
#include <errno.h>

#if defined(__linux__)
#include <sys/prctl.h>

int forge_set_dumpable(int value) { return prctl(PR_SET_DUMPABLE, (unsigned long)value, 0UL, 0UL, 0UL); }
int forge_set_thread_name(const char *name) { return prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL); }
#else
int forge_set_dumpable(int value) { (void)value; errno = ENOSYS; return -1; }
int forge_set_thread_name(const char *name) { (void)name; errno = ENOSYS; return -1; }
#endif
