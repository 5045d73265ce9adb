// Non-variadic wrappers over prctl(2), which Swift cannot call (it is variadic).
#ifndef FORGE_PROCESS_CONTROL_H
#define FORGE_PROCESS_CONTROL_H

/// prctl(PR_SET_DUMPABLE, value): 0 makes the kernel hand /proc/<pid>/* to root and refuse
/// ptrace and /proc/<pid>/{root,cwd,mem,environ,fd} to other unprivileged processes.
/// Returns 0, or -1 with errno set (also on systems without prctl: ENOSYS).
int forge_set_dumpable(int value);

#endif
