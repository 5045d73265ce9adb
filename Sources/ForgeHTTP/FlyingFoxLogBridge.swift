import FlyingFox
import FlyingSocks
import Logging

/// Sends FlyingFox's own log lines (one per connection and request) to swift-log. Per-request
/// chatter goes to `trace`, so a probe every few seconds does not flood the pod's log.
struct FlyingFoxLogBridge: FlyingSocks.Logging {
    let logger: SwiftLogger

    func logDebug(_ debug: @autoclosure () -> String) { logger.trace("\(debug())") }
    func logInfo(_ info: @autoclosure () -> String) { logger.trace("\(info())") }
    func logWarning(_ warning: @autoclosure () -> String) { logger.warning("\(warning())") }
    func logError(_ error: @autoclosure () -> String) { logger.error("\(error())") }

    /// FlyingFox logs every end of `HTTPServer.run()` as critical, including the normal one:
    /// the serving task cancelled at shutdown ("server error: ... CancellationError", or
    /// "disconnected"). It logs from inside `run()`, i.e. on the task that called
    /// `ForgeHTTPServer.run()`, so a cancelled current task means a normal stop (debug); any
    /// other end (bind failure, socket error while serving) stays an error.
    func logCritical(_ critical: @autoclosure () -> String) {
        if Self.isNormalStop(message: critical(), cancelled: Task.isCancelled) {
            logger.debug("\(critical())")
        } else {
            logger.error("\(critical())")
        }
    }

    static func isNormalStop(message: String, cancelled: Bool) -> Bool {
        cancelled || message.contains("CancellationError")
    }
}
