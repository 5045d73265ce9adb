#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ForgeCore

/// The stand-in's Prometheus endpoint, with the series cardano-node exports that the reporter
/// reads (names as in cardano-node's tracers, docs/CONFIGURATION.md "Node metrics"):
///
/// - `cardano_node_metrics_slotNum_int`: the slot, advancing with time
///   (`STANDIN_SLOT_START` + elapsed seconds × `STANDIN_SLOTS_PER_SECOND`, or from
///   `STANDIN_SYSTEM_START` on the wall clock);
/// - `cardano_node_metrics_forging_enabled`: with the real node's quirk that it reads 1 after a
///   non-producing start until the first reconfiguration;
/// - `cardano_node_metrics_Forge_about_to_lead_counter`: leadership checks, one per slot while
///   the node has credentials (the real node only checks leadership then).
final class StandInMetrics: @unchecked Sendable {
    struct State {
        var forging = false
        var reconfigured = false
        /// Leadership checks counted up to `checksSince` (a slot), while forging.
        var checks: UInt64 = 0
        var checksSince: UInt64 = 0
    }

    let slotStart: UInt64
    let slotsPerSecond: Double
    let systemStart: Double?
    let startedNonProducing: Bool
    private let started = SystemMonotonicClock().now()
    private let state = Locked(State())

    init(slotStart: UInt64, slotsPerSecond: Double, systemStart: Double?, startedNonProducing: Bool) {
        self.slotStart = slotStart
        self.slotsPerSecond = slotsPerSecond
        self.systemStart = systemStart
        self.startedNonProducing = startedNonProducing
    }

    var slot: UInt64 {
        if let systemStart {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let seconds = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 - systemStart
            return UInt64(max(0, seconds * slotsPerSecond))
        }
        let elapsed = SystemMonotonicClock().now().duration(since: started)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return slotStart + UInt64(max(0, seconds * slotsPerSecond))
    }

    func setForging(_ enabled: Bool, reconfiguration: Bool) {
        let now = slot
        state.withLock { state in
            if state.forging { state.checks += now - min(now, state.checksSince) }
            state.checksSince = now
            state.forging = enabled
            if reconfiguration { state.reconfigured = true }
        }
    }

    func exposition() -> String {
        let now = slot
        let (enabledMetric, checks) = state.withLock { state -> (Bool, UInt64) in
            let running = state.forging ? now - min(now, state.checksSince) : 0
            return (state.forging || (startedNonProducing && !state.reconfigured), state.checks + running)
        }
        return """
        # TYPE cardano_node_metrics_slotNum_int gauge
        cardano_node_metrics_slotNum_int \(now)
        # TYPE cardano_node_metrics_forging_enabled gauge
        cardano_node_metrics_forging_enabled \(enabledMetric ? 1 : 0)
        # TYPE cardano_node_metrics_Forge_about_to_lead_counter counter
        cardano_node_metrics_Forge_about_to_lead_counter \(checks)

        """
    }

    /// Serves `exposition()` to every HTTP request on 127.0.0.1:`port` (0: any free port) from
    /// its own thread; returns the bound port.
    func serve(port: UInt16) throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw StandInFailure("metrics socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 64) == 0 else {
            throw StandInFailure("cannot listen for metrics on port \(port): \(String(cString: strerror(errno)))")
        }
        let context = Unmanaged.passRetained(ServerContext(fd: fd, metrics: self)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            let context = Unmanaged<ServerContext>.fromOpaque(raw!).takeRetainedValue()
            context.acceptLoop()
            return nil
        }, context)
        guard created == 0 else { throw StandInFailure("pthread_create failed: \(created)") }
        pthread_detach(thread)
        return UInt16(bigEndian: address.sin_port)
    }
}

private final class ServerContext {
    let fd: Int32
    let metrics: StandInMetrics

    init(fd: Int32, metrics: StandInMetrics) {
        self.fd = fd
        self.metrics = metrics
    }

    /// One request per connection: read the request head (discarded), answer, close.
    func acceptLoop() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while request.count < 65536 {
                let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                request += buffer[0..<n]
                if request.count >= 4, request.suffix(4) == [13, 10, 13, 10] { break }
            }
            let body = Array(metrics.exposition().utf8)
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            let response = Array(head.utf8) + body
            var sent = 0
            while sent < response.count {
                let n = response[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                sent += n
            }
            close(client)
        }
    }
}
