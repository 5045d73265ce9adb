// Non-variadic wrappers over prctl(2), which Swift cannot call (it is variadic).
#ifndef FORGE_PROCESS_CONTROL_H
#define FORGE_PROCESS_CONTROL_H

/// prctl(PR_SET_DUMPABLE, value): 0 makes the kernel hand /proc/<pid>/* to root and refuse
/// ptrace and /proc/<pid>/{root,cwd,mem,environ,fd} to other unprivileged processes.
/// Returns 0, or -1 with errno set (also on systems without prctl: ENOSYS).
int forge_set_dumpable(int value);

/// prctl(PR_SET_NAME, name): names the calling thread (the kernel keeps the first 15 bytes), as
/// `top -H` and /proc/<pid>/task/<tid>/comm show it. Returns 0, or -1 with errno set.
int forge_set_thread_name(const char *name);

#endif
