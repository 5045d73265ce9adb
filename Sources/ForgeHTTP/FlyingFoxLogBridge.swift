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
    // FlyingFox reports its own shutdown ("server error: disconnected") as critical.
    func logCritical(_ critical: @autoclosure () -> String) { logger.error("\(critical())") }
}
