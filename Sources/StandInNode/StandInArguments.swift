#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The part of cardano-node's `run` command line the stand-in understands; everything else
/// (`--database-path`, `--topology`, `--config`, `+RTS ... -RTS`, ...) is accepted and ignored
/// so tests can pass realistic command lines.
struct StandInArguments {
    var socketPath: String
    var kesKey: String?
    var vrfKey: String?
    var operationalCertificate: String?
    var startNonProducing = false

    /// Environment knobs (INTERFACES.md "Stand-in cardano-node").
    var replayDelay: Double = 0
    var transitionsFile: String?
    var logFile: String?
    /// Prometheus endpoint on 127.0.0.1 (STANDIN_METRICS_PORT; 0 = any free port, written to
    /// STANDIN_METRICS_PORT_FILE). Off when unset.
    var metricsPort: UInt16?
    var metricsPortFile: String?
    /// The slot the metrics start at and how fast it advances (STANDIN_SLOT_START,
    /// STANDIN_SLOTS_PER_SECOND; default 0 and 1).
    var slotStart: UInt64 = 0
    var slotsPerSecond: Double = 1
    /// STANDIN_SYSTEM_START (Unix seconds): when set, the slot follows the wall clock from this
    /// moment, as the real node's does from the genesis systemStart — every node agrees on it and
    /// a restart does not reset it. STANDIN_SLOT_START is then ignored.
    var systemStart: Double?

    var credentialPaths: [String] { [kesKey, vrfKey, operationalCertificate].compactMap { $0 } }
    var hasCredentials: Bool { !credentialPaths.isEmpty }

    struct UsageError: Error { var message: String }

    static func parse(_ arguments: [String], environment: (String) -> String?) throws -> StandInArguments {
        guard arguments.first == "run" else {
            throw UsageError(message: "usage: cardano-node run --socket-path P [--shelley-kes-key K --shelley-vrf-key V --shelley-operational-certificate C] [--start-as-non-producing-node]")
        }
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var index = 1
        var inRTS = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "+RTS" { inRTS = true; continue }
            if argument == "-RTS" { inRTS = false; continue }
            if inRTS || !argument.hasPrefix("--") { continue }
            if let equals = argument.firstIndex(of: "=") {
                values[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
            } else if index < arguments.count, !arguments[index].hasPrefix("--") {
                values[argument] = arguments[index]
                index += 1
            } else {
                flags.insert(argument)
            }
        }
        guard let socketPath = values["--socket-path"] else {
            throw UsageError(message: "missing --socket-path")
        }
        var parsed = StandInArguments(socketPath: socketPath)
        parsed.kesKey = values["--shelley-kes-key"]
        parsed.vrfKey = values["--shelley-vrf-key"]
        parsed.operationalCertificate = values["--shelley-operational-certificate"]
        parsed.startNonProducing = flags.contains("--start-as-non-producing-node")
        let keys = [parsed.kesKey, parsed.vrfKey, parsed.operationalCertificate]
        if keys.contains(where: { $0 == nil }) && keys.contains(where: { $0 != nil }) {
            throw UsageError(message: "give all of --shelley-kes-key, --shelley-vrf-key and --shelley-operational-certificate, or none")
        }
        if let delay = environment("STANDIN_REPLAY_DELAY"), !delay.isEmpty {
            guard let seconds = Double(delay), seconds >= 0, seconds.isFinite else {
                throw UsageError(message: "STANDIN_REPLAY_DELAY must be a non-negative number of seconds, got '\(delay)'")
            }
            parsed.replayDelay = seconds
        }
        parsed.transitionsFile = environment("STANDIN_TRANSITIONS_FILE").flatMap { $0.isEmpty ? nil : $0 }
        parsed.logFile = environment("STANDIN_LOG_FILE").flatMap { $0.isEmpty ? nil : $0 }
        if let port = environment("STANDIN_METRICS_PORT"), !port.isEmpty {
            guard let value = UInt16(port) else {
                throw UsageError(message: "STANDIN_METRICS_PORT must be a port number (0-65535), got '\(port)'")
            }
            parsed.metricsPort = value
        }
        parsed.metricsPortFile = environment("STANDIN_METRICS_PORT_FILE").flatMap { $0.isEmpty ? nil : $0 }
        if let start = environment("STANDIN_SLOT_START"), !start.isEmpty {
            guard let value = UInt64(start) else {
                throw UsageError(message: "STANDIN_SLOT_START must be a non-negative integer, got '\(start)'")
            }
            parsed.slotStart = value
        }
        if let start = environment("STANDIN_SYSTEM_START"), !start.isEmpty {
            guard let value = Double(start), value.isFinite, value >= 0 else {
                throw UsageError(message: "STANDIN_SYSTEM_START must be Unix seconds, got '\(start)'")
            }
            parsed.systemStart = value
        }
        if let rate = environment("STANDIN_SLOTS_PER_SECOND"), !rate.isEmpty {
            guard let value = Double(rate), value >= 0, value.isFinite else {
                throw UsageError(message: "STANDIN_SLOTS_PER_SECOND must be a non-negative number, got '\(rate)'")
            }
            parsed.slotsPerSecond = value
        }
        return parsed
    }
}
