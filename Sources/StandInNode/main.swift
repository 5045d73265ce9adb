#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Block the signals we handle before any other thread exists, so every thread inherits the
// mask and the main thread's sigwait is the only place they are ever delivered.
var handledSignals = sigset_t()
sigemptyset(&handledSignals)
for signal in [SIGHUP, SIGTERM, SIGINT] { sigaddset(&handledSignals, signal) }
pthread_sigmask(SIG_BLOCK, &handledSignals, nil)

func fail(_ message: String) -> Never {
    StandInOutput.write(2, "cardano-node (standin): \(message)\n")
    exit(1)
}

do {
    let arguments = try StandInArguments.parse(Array(CommandLine.arguments.dropFirst())) { name in
        getenv(name).map { String(cString: $0) }
    }
    let output = try StandInOutput(logFile: arguments.logFile, transitionsFile: arguments.transitionsFile)
    try StandInNode(arguments: arguments, output: output, signals: handledSignals).run()
} catch let error as StandInArguments.UsageError {
    fail(error.message)
} catch let error as StandInFailure {
    fail(error.message)
} catch {
    fail("\(error)")
}
