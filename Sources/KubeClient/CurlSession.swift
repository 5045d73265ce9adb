import CCurl
import ForgeCore

/// An easy handle driven by its own multi handle. The multi handle lets a cancelled transfer
/// be woken at once (`curl_multi_wakeup`), and owns the connection cache, so keeping the pair
/// together in a pool keeps TLS connections alive across requests.
final class CurlSession: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    let multi: UnsafeMutableRawPointer

    init?() {
        CurlGlobal.ensureInitialized()
        guard let easy = curl_easy_init() else { return nil }
        guard let multi = curl_multi_init() else {
            curl_easy_cleanup(easy)
            return nil
        }
        self.easy = easy
        self.multi = multi
    }

    deinit {
        curl_multi_cleanup(multi)
        curl_easy_cleanup(easy)
    }
}

/// A few idle sessions kept for reuse; beyond that they are closed.
final class CurlSessionPool: @unchecked Sendable {
    private let lock = Lock()
    private var idle: [CurlSession] = []
    private let maxIdle: Int

    init(maxIdle: Int = 8) { self.maxIdle = maxIdle }

    func checkout() -> CurlSession? {
        if let session = lock.withLock({ idle.popLast() }) { return session }
        return CurlSession()
    }

    /// Options are reset (connections and caches survive `curl_easy_reset`).
    func checkin(_ session: CurlSession) {
        curl_easy_reset(session.easy)
        lock.withLock {
            if idle.count < maxIdle { idle.append(session) }
        }
    }
}

enum CurlGlobal {
    /// `curl_global_init` once per process, before any handle exists (it is not thread-safe
    /// against concurrent handle creation on older libcurl, so it runs in a lazy static).
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    static func ensureInitialized() { _ = initialized }
}
