#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex with a condition variable on the monotonic clock (so a wall-clock step
/// never stretches or cuts a timed wait): `NSCondition` without full Foundation.
final class ThreadCondition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if canImport(Glibc)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func signal() { pthread_cond_signal(condition) }

    /// With the lock held: waits for `signal()` or `timeout`; false if the time ran out.
    /// (Like NSCondition, a spurious wakeup may return true: callers re-check their state.)
    func wait(timeout: Duration) -> Bool {
        var now = timespec()
        #if canImport(Glibc)
        clock_gettime(CLOCK_MONOTONIC, &now)
        #else
        clock_gettime(CLOCK_REALTIME, &now)
        #endif
        let (seconds, attoseconds) = timeout.components
        var deadline = timespec()
        let nanos = Int(now.tv_nsec) + Int(attoseconds / 1_000_000_000)
        deadline.tv_sec = now.tv_sec + Int(seconds) + nanos / 1_000_000_000
        deadline.tv_nsec = nanos % 1_000_000_000
        return pthread_cond_timedwait(condition, mutex, &deadline) == 0
    }
}
