#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of a stand-in node's transitions file: `<boottime_ns> <pid> enabled|disabled <cause>`.
public struct ForgingTransition: Sendable, Equatable {
    public var time: UInt64
    public var pid: Int32
    public var enabled: Bool
    public var cause: String
    /// Where the line came from (file path or test label), for messages.
    public var source: String

    public init(time: UInt64, pid: Int32, enabled: Bool, cause: String, source: String) {
        self.time = time
        self.pid = pid
        self.enabled = enabled
        self.cause = cause
        self.source = source
    }
}

/// A period during which one node process had forging enabled: [start, end).
public struct ForgingInterval: Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var pid: Int32
    public var start: UInt64
    /// When forging stopped; for a process that never logged it, the death time the test
    /// recorded or the "open until" time of the query.
    public var end: UInt64
    /// The process never logged the end of this interval.
    public var open: Bool

    public func overlaps(_ other: ForgingInterval) -> Bool {
        start < other.end && other.start < end
    }

    public var description: String {
        "pid \(pid) (\(source)) forging [\(start), \(end))\(open ? " open" : "")"
    }
}

public struct ForgingIntervalsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var line: Int
    public var reason: String

    public var description: String { "\(source):\(line): \(reason)" }
}

/// The test oracle of ARCHITECTURE.md §10: collects the stand-in nodes' forging transitions
/// (all on CLOCK_BOOTTIME, one kernel) and checks that no two processes ever forged at once.
///
/// A process killed with SIGKILL cannot log its last "disabled"; the test records when it
/// saw the process die (`recordDeath`), and that closes the interval. An interval still open
/// at query time ends at the query's `openUntil`.
public struct ForgingTimeline: Sendable {
    public private(set) var transitions: [ForgingTransition] = []
    private var deaths: [Int32: UInt64] = [:]

    public init() {}

    /// Parses a transitions file's text. Blank lines are ignored; anything else malformed throws.
    public static func parse(_ text: String, source: String) throws -> [ForgingTransition] {
        var result: [ForgingTransition] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.isEmpty { continue }
            guard fields.count >= 4, let time = UInt64(fields[0]), let pid = Int32(fields[1]) else {
                throw ForgingIntervalsError(source: source, line: index + 1, reason: "expected '<boottime_ns> <pid> enabled|disabled <cause>', got '\(line)'")
            }
            let enabled: Bool
            switch fields[2] {
            case "enabled": enabled = true
            case "disabled": enabled = false
            default:
                throw ForgingIntervalsError(source: source, line: index + 1, reason: "unknown state '\(fields[2])'")
            }
            result.append(ForgingTransition(time: time, pid: pid, enabled: enabled,
                                            cause: fields[3...].joined(separator: " "), source: source))
        }
        return result
    }

    public mutating func add(text: String, source: String) throws {
        transitions += try Self.parse(text, source: source)
    }

    /// Adds a transitions file; a file that does not exist adds nothing (that node never forged).
    public mutating func add(transitionsFile path: String) throws {
        do {
            let bytes = try PosixFile.read(path, limit: 64 << 20)
            try add(text: String(decoding: bytes, as: UTF8.self), source: path)
        } catch let error as SystemError where error.code == ENOENT {
            return
        }
    }

    /// `pid` was seen dead at boottime `time` (e.g. after SIGKILL): its open interval ends there.
    public mutating func recordDeath(pid: Int32, at time: UInt64) {
        deaths[pid] = time
    }

    /// Every forging interval, sorted by start. Throws on an impossible sequence (enabled twice
    /// without a disable, time going backwards), which means the fixture or the oracle is broken.
    public func intervals(openUntil: UInt64) throws -> [ForgingInterval] {
        var byProcess: [String: [ForgingTransition]] = [:]
        for transition in transitions {
            byProcess["\(transition.source)#\(transition.pid)", default: []].append(transition)
        }
        var result: [ForgingInterval] = []
        for (_, list) in byProcess {
            var openStart: UInt64?
            var previous: UInt64 = 0
            for transition in list {
                guard transition.time >= previous else {
                    throw ForgingIntervalsError(source: transition.source, line: 0,
                                                reason: "pid \(transition.pid): time goes backwards at \(transition.time)")
                }
                previous = transition.time
                if transition.enabled {
                    guard openStart == nil else {
                        throw ForgingIntervalsError(source: transition.source, line: 0,
                                                    reason: "pid \(transition.pid): enabled twice without disabled at \(transition.time)")
                    }
                    openStart = transition.time
                } else if let start = openStart {
                    result.append(ForgingInterval(source: transition.source, pid: transition.pid,
                                                  start: start, end: transition.time, open: false))
                    openStart = nil
                }
            }
            if let start = openStart, let first = list.first {
                let end = deaths[first.pid].map { max($0, start) } ?? max(openUntil, start)
                result.append(ForgingInterval(source: first.source, pid: first.pid, start: start, end: end, open: true))
            }
        }
        return result.sorted { ($0.start, $0.pid) < ($1.start, $1.pid) }
    }

    /// Pairs of intervals of different processes that overlap. Empty = the invariant held.
    public func overlaps(openUntil: UInt64) throws -> [(ForgingInterval, ForgingInterval)] {
        let all = try intervals(openUntil: openUntil)
        var found: [(ForgingInterval, ForgingInterval)] = []
        for (index, first) in all.enumerated() {
            for second in all[(index + 1)...] {
                if second.start >= first.end { break }  // sorted by start: no later one can overlap
                if first.overlaps(second) { found.append((first, second)) }
            }
        }
        return found
    }
}
