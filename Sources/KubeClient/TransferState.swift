import CCurl
import FoundationEssentials
import ForgeCore

/// Everything one transfer's C callbacks need, reached through libcurl's userdata pointer.
/// Fields other than `cancelled`/`multi` are touched only by the transfer thread.
final class TransferState: @unchecked Sendable {
    private let lock = Lock()
    private var cancelled = false
    private var multi: UnsafeMutableRawPointer?

    enum AbortReason { case cancelled, idle, consumer }
    var abortReason: AbortReason?
    var status = 0
    var headers: [String: String] = [:]
    var body = Data()
    let maxBodyBytes: Int
    let idleTimeoutNanos: UInt64?
    var lastActivity: UInt64
    /// Receives the body of a 2xx response as it arrives; returns false to abort.
    let onData: ((Data) -> Bool)?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(maxBodyBytes: Int, idleTimeout: Duration?, onData: ((Data) -> Bool)?) {
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutNanos = idleTimeout.map { UInt64(max(0, $0.nanoseconds)) }
        self.onData = onData
        self.lastActivity = Self.now()
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit { errorBuffer.deallocate() }

    static func now() -> UInt64 { SystemMonotonicClock().now().nanoseconds }

    var isCancelled: Bool { lock.withLock { cancelled } }

    /// Called from any thread (task cancellation, stream termination). Wakes the transfer's
    /// poll so the progress callback runs and aborts at once rather than within a second.
    func cancel() {
        lock.withLock {
            cancelled = true
            if let multi { curl_multi_wakeup(multi) }
        }
    }

    /// The multi handle may be woken only while the transfer owns it (it returns to a pool after).
    func attach(_ multi: UnsafeMutableRawPointer?) {
        lock.withLock { self.multi = multi }
    }

    var errorMessage: String? {
        errorBuffer[0] == 0 ? nil : String(cString: errorBuffer)
    }
}

/// CURLOPT_WRITEFUNCTION: stream 2xx bodies to the consumer, buffer everything else.
let transferWriteCallback: ccurl_data_callback = { pointer, size, count, userdata in
    let bytes = size * count
    guard let pointer, let userdata else { return bytes }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    state.lastActivity = TransferState.now()
    if let onData = state.onData, (200..<300).contains(state.status) {
        if !onData(Data(bytes: pointer, count: bytes)) {
            state.abortReason = .consumer
            return 0  // anything but `bytes` makes libcurl abort with CURLE_WRITE_ERROR
        }
        return bytes
    }
    let room = state.maxBodyBytes - state.body.count
    if room > 0 {
        pointer.withMemoryRebound(to: UInt8.self, capacity: bytes) {
            state.body.append($0, count: min(room, bytes))
        }
    }
    return bytes
}

/// CURLOPT_HEADERFUNCTION: status line and headers of the final response (a new status line,
/// e.g. after `100 Continue`, starts over).
let transferHeaderCallback: ccurl_data_callback = { pointer, size, count, userdata in
    let bytes = size * count
    guard let pointer, let userdata else { return bytes }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    state.lastActivity = TransferState.now()
    let line = pointer.withMemoryRebound(to: UInt8.self, capacity: bytes) {
        String(decoding: UnsafeBufferPointer(start: $0, count: bytes), as: UTF8.self)
    }.trimmingWhitespace()
    if line.hasPrefix("HTTP/") {
        let parts = line.split(separator: " ", maxSplits: 2)
        if parts.count >= 2, let code = Int(parts[1]) { state.status = code }
        state.headers = [:]
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingBlanks()
        state.headers[name] = value
    }
    return bytes
}

/// CURLOPT_XFERINFOFUNCTION: libcurl calls it while the transfer runs; a non-zero return
/// aborts. This is where cancellation and the idle (no byte received) timeout take effect.
let transferProgressCallback: ccurl_xferinfo_callback = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    if state.isCancelled {
        state.abortReason = .cancelled
        return 1
    }
    if let idle = state.idleTimeoutNanos {
        let now = TransferState.now()
        if now > state.lastActivity, now - state.lastActivity > idle {
            state.abortReason = .idle
            return 1
        }
    }
    return 0
}
