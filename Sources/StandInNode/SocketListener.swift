#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The node-to-client socket: listens, accepts and closes connections on its own thread. It
/// exists only so probes can tell "node up" from "node replaying".
enum SocketListener {
    static func start(path: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw StandInFailure("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
            raw[path.utf8.count] = 0
        }
        // A stale socket from an earlier run would make bind fail with EADDRINUSE.
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw StandInFailure("socket: \(String(cString: strerror(errno)))") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            throw StandInFailure("cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        var thread = pthread_t()
        let context = UnsafeMutableRawPointer(bitPattern: Int(fd) + 1)
        let created = pthread_create(&thread, nil, { context in
            let fd = Int32(Int(bitPattern: context) - 1)
            while true {
                let client = accept(fd, nil, nil)
                if client >= 0 { close(client) } else if errno != EINTR && errno != ECONNABORTED { return nil }
            }
        }, context)
        guard created == 0 else { throw StandInFailure("pthread_create failed: \(created)") }
        pthread_detach(thread)
    }
}
