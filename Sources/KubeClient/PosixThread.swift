#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CProcessControl

/// A detached pthread running a closure: what `Foundation.Thread` gave `TransferThreads`,
/// without full Foundation. Only for work that must block outside Swift's cooperative pool
/// (a libcurl perform).
enum PosixThread {
    struct StartError: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "pthread_create failed: \(String(cString: strerror(code)))" }
    }

    /// Starts `body` on a new detached thread named `name` (the kernel keeps its first 15 bytes).
    static func start(name: String, stackSize: Int, _ body: @escaping @Sendable () -> Void) throws {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let context = Unmanaged.passRetained(Box(name: name, body: body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(&thread, &attributes, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            _ = forge_set_thread_name(box.name)
            box.body()
            return nil
        }, context)
        if result != 0 {
            Unmanaged<Box>.fromOpaque(context).release()
            throw StartError(code: result)
        }
    }

    private final class Box {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
}
