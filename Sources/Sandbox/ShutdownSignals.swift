import Dispatch
import Foundation

/// SIGINT, SIGTERM and SIGHUP (the terminal closed) run one async shutdown handler (once),
/// instead of killing the sandbox with its children still running. A second signal while
/// shutting down is ignored: the handler finishes within seconds and kills what is left.
final class ShutdownSignals: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let fired = NSLock()
    private var handling = false

    init(handler: @escaping @Sendable (Int32) async -> Void) {
        signal(SIGPIPE, SIG_IGN)
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                fired.lock()
                let second = handling
                handling = true
                fired.unlock()
                if second { return }
                Task.detached { await handler(number) }
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
    }
}
