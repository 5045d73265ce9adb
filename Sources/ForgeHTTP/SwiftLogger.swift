import Logging

/// swift-log's `Logger`, named so that files importing FlyingSocks (which has its own protocol
/// called `Logging`, shadowing the module name) can still refer to it.
public typealias SwiftLogger = Logger
