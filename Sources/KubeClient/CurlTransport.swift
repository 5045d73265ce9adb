import CCurl
import FoundationEssentials

/// Performs HTTP requests with libcurl on dedicated threads and exposes them as async calls.
/// Task cancellation aborts the transfer promptly.
final class CurlTransport: Sendable {
    let tls: TLSSettings
    private let pool = CurlSessionPool()
    private let threads: TransferThreads

    init(tls: TLSSettings, threads: TransferThreads = .shared) {
        self.tls = tls
        self.threads = threads
    }

    /// Runs one request. With `onData`, the body of a 2xx response is handed over chunk by
    /// chunk on the transfer thread instead of being buffered (watch streams).
    func perform(_ request: TransportRequest, onData: ((Data) -> Bool)? = nil) async throws -> TransportResponse {
        let state = TransferState(maxBodyBytes: request.maxBodyBytes, idleTimeout: request.idleTimeout, onData: onData)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<TransportResponse, Error>) in
                threads.run { [self] in
                    continuation.resume(with: performBlocking(request, state: state))
                }
            }
        } onCancel: {
            state.cancel()
        }
    }

    private func performBlocking(_ request: TransportRequest, state: TransferState) -> Result<TransportResponse, Error> {
        if state.isCancelled { return .failure(TransportFailure(kind: .cancelled, message: "cancelled")) }
        guard let session = pool.checkout() else {
            return .failure(TransportFailure(kind: .other, message: "libcurl could not create a handle"))
        }
        defer { pool.checkin(session) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in request.headers { headerList = curl_slist_append(headerList, header) }
        defer { curl_slist_free_all(headerList) }

        let easy = session.easy
        let userdata = Unmanaged.passUnretained(state).toOpaque()
        configure(easy, request: request, headers: headerList, userdata: userdata, state: state)

        let code = drive(session, state: state)
        return classify(code, request: request, state: state)
    }

    private func configure(
        _ easy: UnsafeMutableRawPointer, request: TransportRequest,
        headers: UnsafeMutablePointer<curl_slist>?, userdata: UnsafeMutableRawPointer, state: TransferState
    ) {
        ccurl_setopt_string(easy, CURLOPT_URL, request.url)
        ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)  // signals and threads do not mix
        ccurl_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(request.connectTimeout.nanoseconds / 1_000_000)))
        ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, request.totalTimeout.map { max(1, Int($0.nanoseconds / 1_000_000)) } ?? 0)
        ccurl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        ccurl_setopt_long(easy, CURLOPT_TCP_KEEPIDLE, 30)
        ccurl_setopt_long(easy, CURLOPT_TCP_KEEPINTVL, 15)
        ccurl_setopt_string(easy, CURLOPT_NOPROXY, ProxyExclusions.value)
        ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)
        ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, state.errorBuffer)

        switch request.method {
        case "GET": ccurl_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "HEAD": ccurl_setopt_long(easy, CURLOPT_NOBODY, 1)
        default:
            if request.method != "POST" || request.body == nil {
                ccurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method)
            }
        }
        if let body = request.body {
            ccurl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            if body.isEmpty {
                ccurl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                body.withUnsafeBytes { raw in
                    _ = ccurl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
                }
            }
        }

        ccurl_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, transferWriteCallback)
        ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, userdata)
        ccurl_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION, transferHeaderCallback)
        ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, userdata)
        ccurl_setopt_long(easy, CURLOPT_NOPROGRESS, 0)
        ccurl_setopt_xferinfo_callback(easy, transferProgressCallback)
        ccurl_setopt_pointer(easy, CURLOPT_XFERINFODATA, userdata)

        if let caData = tls.caData {
            caData.withUnsafeBytes { _ = ccurl_setopt_blob(easy, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count) }
        } else if let caFile = tls.caFile {
            ccurl_setopt_string(easy, CURLOPT_CAINFO, caFile)
        }
        if tls.insecureSkipVerify {
            ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0)
            ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let cert = tls.clientCertData {
            cert.withUnsafeBytes { _ = ccurl_setopt_blob(easy, CURLOPT_SSLCERT_BLOB, $0.baseAddress, $0.count) }
            ccurl_setopt_string(easy, CURLOPT_SSLCERTTYPE, "PEM")
        } else if let certFile = tls.clientCertFile {
            ccurl_setopt_string(easy, CURLOPT_SSLCERT, certFile)
        }
        if let key = tls.clientKeyData {
            key.withUnsafeBytes { _ = ccurl_setopt_blob(easy, CURLOPT_SSLKEY_BLOB, $0.baseAddress, $0.count) }
            ccurl_setopt_string(easy, CURLOPT_SSLKEYTYPE, "PEM")
        } else if let keyFile = tls.clientKeyFile {
            ccurl_setopt_string(easy, CURLOPT_SSLKEY, keyFile)
        }
    }

    /// Runs the transfer to completion on this thread; returns libcurl's result code.
    private func drive(_ session: CurlSession, state: TransferState) -> CURLcode {
        let multi = session.multi
        guard curl_multi_add_handle(multi, session.easy) == CURLM_OK else { return CURLE_FAILED_INIT }
        state.attach(multi)
        defer {
            state.attach(nil)
            curl_multi_remove_handle(multi, session.easy)
        }
        var running: Int32 = 1
        while true {
            if curl_multi_perform(multi, &running) != CURLM_OK { return CURLE_FAILED_INIT }
            if running == 0 { break }
            // The progress callback normally aborts a cancelled transfer; this covers phases
            // in which libcurl does not call it.
            if state.isCancelled {
                state.abortReason = .cancelled
                return CURLE_ABORTED_BY_CALLBACK
            }
            // At most 1 s so the idle timeout is checked even when nothing happens; libcurl
            // shortens it to its own next timer (connect/total timeouts).
            if curl_multi_poll(multi, nil, 0, 1000, nil) != CURLM_OK { return CURLE_FAILED_INIT }
        }
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            if message.pointee.msg == CURLMSG_DONE { return message.pointee.data.result }
        }
        return CURLE_OK
    }

    private func classify(_ code: CURLcode, request: TransportRequest, state: TransferState) -> Result<TransportResponse, Error> {
        if code == CURLE_OK {
            return .success(TransportResponse(status: state.status, headers: state.headers, body: state.body))
        }
        let detail = state.errorMessage ?? String(cString: curl_easy_strerror(code))
        let target = "\(request.method) \(request.url)"
        let kind: TransportFailure.Kind
        switch code {
        case _ where code == CURLE_ABORTED_BY_CALLBACK || (code == CURLE_WRITE_ERROR && state.abortReason != nil):
            switch state.abortReason {
            case .idle?:
                return .failure(TransportFailure(kind: .idleTimeout, message: "no data for \(request.idleTimeout.map { "\($0)" } ?? "?") on \(target)"))
            case .consumer?: kind = .consumerAborted
            default: kind = .cancelled
            }
        case CURLE_OPERATION_TIMEDOUT: kind = .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .connectFailed
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: kind = .connectionLost
        default: kind = .other
        }
        return .failure(TransportFailure(kind: kind, message: "\(detail) (\(target))"))
    }
}

/// libcurl honours http(s)_proxy like client-go does; client-go (Go's proxy rules) never
/// proxies loopback addresses, so add them to whatever NO_PROXY says.
enum ProxyExclusions {
    static let value: String = {
        let environment = ProcessInfo.processInfo.environment
        let configured = environment["NO_PROXY"] ?? environment["no_proxy"] ?? ""
        if configured.trimmingBlanks() == "*" { return "*" }
        let loopback = "localhost,127.0.0.1,::1"
        return configured.isEmpty ? loopback : configured + "," + loopback
    }()
}
