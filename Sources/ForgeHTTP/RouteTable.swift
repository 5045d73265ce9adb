import Synchronization

/// Path -> handler, readable from connection tasks while routes are added.
final class RouteTable: Sendable {
    private let handlers = Mutex<[String: ForgeHTTPServer.Handler]>([:])

    func set(_ path: String, _ handler: @escaping ForgeHTTPServer.Handler) {
        handlers.withLock { $0[path] = handler }
    }

    func handler(for path: String) -> ForgeHTTPServer.Handler? {
        handlers.withLock { $0[path] }
    }
}
