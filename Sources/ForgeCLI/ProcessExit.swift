#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exit codes of both binaries (docs/CONFIGURATION.md, "Exit codes"):
///
/// | code | meaning |
/// | --- | --- |
/// | 0 | stopped on SIGTERM/SIGINT after a clean shutdown, or `--help`/`--version` |
/// | 1 | runtime error: the process started and then failed (port in use, kubeconfig unreadable, …) |
/// | 2 | configuration error: a setting (flag or environment variable) has a bad value or is missing |
/// | 64 | command-line usage error found by the argument parser (unknown flag, flag without value) |
public enum ProcessExit {
    public static let runtimeError: Int32 = 1
    public static let configurationError: Int32 = 2
    /// ArgumentParser's own code for malformed command lines (EX_USAGE), kept as is.
    public static let usageError: Int32 = 64

    /// Writes `<program>: configuration error: <message>` to stderr. Printed as plain text,
    /// not JSON: logging is configured by the very settings that were wrong.
    public static func reportConfigurationError(program: String, _ message: String) {
        writeError("\(program): configuration error: \(message)")
    }

    /// Writes `<program>: <message>` to stderr (runtime failures after logging is set up are
    /// logged as JSON as well; this line is the last word if the log is lost).
    public static func writeError(_ line: String) {
        StandardError.write(line + "\n")
    }
}
