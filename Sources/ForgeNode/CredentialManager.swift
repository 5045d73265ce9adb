#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Installs and removes the forging credentials that cardano-node re-reads on SIGHUP.
///
/// - Install validates that all three sources are readable and non-empty before touching any
///   target, so a broken Secret never leaves a half-installed set. Each target is replaced
///   atomically (temp file mode 0600 in the target directory, fsync, rename, directory fsync),
///   so cardano-node never reads a torn key. A target whose content already equals the source
///   (SHA-256) is left alone: comparing content, never mtime, survives clock steps and
///   copies that preserve timestamps.
/// - Remove unlinks every target (absent is fine) and also any temp files a crashed install
///   left behind, so no copy of a key lingers in the target directory.
/// - Nothing here logs or returns key bytes; errors carry paths and errno only.
///
/// cardano-node must be able to read the 0600 files, so it has to run as the same user as the
/// writer (both containers share `runAsUser`).
public struct CredentialManager: Sendable {
    public let files: CredentialFiles

    public init(files: CredentialFiles) {
        self.files = files
    }

    /// Makes every target equal to its source. Throws before any write if a source is bad.
    @discardableResult
    public func install() throws -> CredentialChange {
        var sources: [(CredentialKind, [UInt8])] = []
        for kind in CredentialKind.allCases {
            let path = files[kind].source
            let bytes: [UInt8]
            do { bytes = try PosixFile.read(path) } catch let error as SystemError {
                throw CredentialError.sourceUnreadable(kind, path: path, error)
            }
            if bytes.isEmpty { throw CredentialError.sourceEmpty(kind, path: path) }
            sources.append((kind, bytes))
        }
        var change = CredentialChange()
        let writer = AtomicFileWriter(mode: 0o600, durable: true)
        for (kind, bytes) in sources {
            let target = files[kind].target
            do {
                if try currentDigest(target) == SHA256.hex(bytes) {
                    change.operations.append(CredentialOperationRecord(operation: .unchanged, file: kind))
                    continue
                }
                try Self.ensureDirectory(PosixFile.directoryName(target))
                AtomicFileWriter.removeLeftovers(for: target)
                try writer.write(bytes, to: target)
            } catch let error as SystemError {
                throw CredentialError.targetFailed(kind, path: target, error, completed: change)
            }
            change.operations.append(CredentialOperationRecord(operation: .install, file: kind))
        }
        return change
    }

    /// Unlinks every target. Every file is attempted even if one fails; the first failure is
    /// thrown afterwards with the others' outcome attached.
    @discardableResult
    public func remove() throws -> CredentialChange {
        var change = CredentialChange()
        var firstFailure: (CredentialKind, String, SystemError)?
        for kind in CredentialKind.allCases {
            let target = files[kind].target
            AtomicFileWriter.removeLeftovers(for: target)
            if unlink(target) == 0 {
                change.operations.append(CredentialOperationRecord(operation: .remove, file: kind))
            } else if errno == ENOENT {
                change.operations.append(CredentialOperationRecord(operation: .alreadyAbsent, file: kind))
            } else if firstFailure == nil {
                firstFailure = (kind, target, SystemError("unlink", path: target))
            }
        }
        if let (kind, path, error) = firstFailure {
            throw CredentialError.targetFailed(kind, path: path, error, completed: change)
        }
        return change
    }

    /// Whether any target exists. Throws when that cannot be determined (e.g. EACCES on the
    /// directory), which callers enforcing a fence must treat as "maybe present".
    public func anyTargetPresent() throws -> Bool {
        for kind in CredentialKind.allCases where try PosixFile.exists(files[kind].target) {
            return true
        }
        return false
    }

    public func state() -> CredentialState {
        var present = 0
        var matching = 0
        for kind in CredentialKind.allCases {
            let pair = files[kind]
            let targetDigest: String?
            do { targetDigest = try currentDigest(pair.target) } catch {
                return .error("cannot read \(kind.rawValue) target \(pair.target): \(error)")
            }
            guard let targetDigest else { continue }
            present += 1
            do {
                if SHA256.hex(try PosixFile.read(pair.source)) == targetDigest { matching += 1 }
            } catch {
                return .error("cannot read \(kind.rawValue) source \(pair.source): \(error)")
            }
        }
        if present == 0 { return .absent }
        if matching == CredentialKind.allCases.count { return .present }
        return .partial
    }

    /// Hex SHA-256 of the installed operational certificate; nil when it is absent.
    public func opCertSHA256() throws -> String? {
        try currentDigest(files.operationalCertificate.target)
    }

    /// Digest of the file at `path`, nil when it does not exist.
    private func currentDigest(_ path: String) throws -> String? {
        do { return SHA256.hex(try PosixFile.read(path)) } catch let error as SystemError where error.code == ENOENT {
            return nil
        }
    }

    /// Creates a missing target directory (0700: it will hold signing keys).
    static func ensureDirectory(_ path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 { return }
        if errno != ENOENT { throw SystemError("stat", path: path) }
        let parent = PosixFile.directoryName(path)
        if parent != path { try ensureDirectory(parent) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw SystemError("mkdir", path: path) }
    }
}
