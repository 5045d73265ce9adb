#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import ForgeCore

/// The result of reading the fence file.
public enum FenceReadResult: Sendable, Equatable {
    case absent
    case record(FenceRecord)
    /// Present but unusable (not JSON, wrong fields, unknown version, unreadable); the reason
    /// says which.
    case corrupt(String)
}

/// The fence file shared by the reporter (writer) and the guard (reader) through an emptyDir.
///
/// Writes replace the file atomically (temp + rename), so the guard never reads half a
/// record; the content is one JSON line. No fsync: after a host crash both processes are gone
/// and the next pod starts with a fresh emptyDir.
///
/// Ordering rule for the reporter: write a record with the new deadline BEFORE installing keys,
/// and write the not-forging record only AFTER keys are removed and the node signalled.
public struct FenceFile: Sendable {
    public static let defaultPath = "/run/forge/fence"

    public let path: String

    public init(path: String = FenceFile.defaultPath) {
        self.path = path
    }

    public func write(_ record: FenceRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = [UInt8](try encoder.encode(record))
        bytes.append(UInt8(ascii: "\n"))
        let directory = PosixFile.directoryName(path)
        try CredentialManager.ensureDirectory(directory)
        try AtomicFileWriter(mode: 0o644, durable: false).write(bytes, to: path)
    }

    /// "I may forge until `deadline`."
    public func writeForging(holder: String, deadline: MonotonicInstant, node: NodeProcessID? = nil,
                             clock: MonotonicClock = SystemMonotonicClock()) throws {
        try write(FenceRecord(holder: holder, deadline: deadline, writtenAt: clock.now(), reporterPID: getpid(), node: node))
    }

    /// What a previous reporter left, for a reporter that starts (before it writes anything).
    public func previous() -> PreviousFence {
        switch read() {
        case .absent: return .none
        case .corrupt(let why): return .unusable(why)
        case .record(let record): return record.deadline == nil ? .notForging : .forging(node: record.node)
        }
    }

    /// "I am not forging" (keys already removed and the node signalled).
    public func writeNotForging(holder: String, clock: MonotonicClock = SystemMonotonicClock()) throws {
        try write(FenceRecord(holder: holder, deadline: nil, writtenAt: clock.now(), reporterPID: getpid()))
    }

    public func read() -> FenceReadResult {
        let bytes: [UInt8]
        do { bytes = try PosixFile.read(path, limit: 64 * 1024) } catch let error as SystemError {
            return error.code == ENOENT ? .absent : .corrupt("\(error)")
        } catch {
            return .corrupt("\(error)")
        }
        let record: FenceRecord
        do { record = try JSONDecoder().decode(FenceRecord.self, from: Data(bytes)) } catch {
            return .corrupt("\(path) is not a fence record: \(Self.summary(of: error))")
        }
        guard record.version == FenceRecord.currentVersion else {
            return .corrupt("\(path) has unsupported version \(record.version)")
        }
        return .record(record)
    }

    private static func summary(of error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "bad field \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted: return "not valid JSON"
        default: return "\(error)"
        }
    }
}
