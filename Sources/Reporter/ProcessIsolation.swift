import CProcessControl
#if canImport(Glibc)
import Glibc
#endif

/// Keeps other containers of the pod out of this process. With `shareProcessNamespace` the
/// node container sees our pid; while we are "dumpable" a process with our uid (or one with
/// CAP_SYS_PTRACE) may open /proc/<pid>/root (our filesystem: the key Secret, the API token),
/// /proc/<pid>/environ and /proc/<pid>/mem, or ptrace us. Not dumpable, the kernel makes
/// those entries root-owned and refuses them to every process without CAP_SYS_PTRACE.
enum ProcessIsolation {
    struct Failure: Error, CustomStringConvertible {
        let errno: Int32
        var description: String {
            "prctl(PR_SET_DUMPABLE, 0) failed: \(String(cString: strerror(errno))) (errno \(errno)); refusing to run inspectable by the node container"
        }
    }

    /// Makes this process non-dumpable; called first by `run` and `guard`, before any secret
    /// is read. Throws if the kernel refuses (then nothing may be claimed about isolation).
    static func forbidInspection() throws {
        guard forge_set_dumpable(0) == 0 else { throw Failure(errno: errno) }
    }
}
