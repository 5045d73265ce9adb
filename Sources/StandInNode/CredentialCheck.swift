#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How cardano-node would fare reading its credential files right now.
enum CredentialReadOutcome: Equatable {
    case allReadable
    /// At least one file does not exist (and no other error occurred).
    case missing(String)
    /// A file exists but cannot be used (EACCES, empty, ...).
    case otherError(String)
}

enum CredentialCheck {
    /// Reads each file. Any non-ENOENT failure wins over a missing file: the real node stops
    /// at the first file it fails on, in an order we do not model, so when both kinds occur it
    /// may well report the "other" error and leave forging unchanged. Modelling the outcome
    /// that keeps forging on makes the oracle strict rather than lenient.
    static func read(_ paths: [String]) -> CredentialReadOutcome {
        var missing: String?
        for path in paths {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                if errno == ENOENT { missing = missing ?? path; continue }
                return .otherError("\(path): \(String(cString: strerror(errno)))")
            }
            var byte: UInt8 = 0
            let n = Glibc.read(fd, &byte, 1)
            let readErrno = errno
            close(fd)
            if n < 0 { return .otherError("\(path): \(String(cString: strerror(readErrno)))") }
            if n == 0 { return .otherError("\(path): empty file, cannot decode the text envelope") }
        }
        if let missing { return .missing(missing) }
        return .allReadable
    }

    /// cardano-node refuses a VRF signing key that group or other can access.
    static func vrfPermissionProblem(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        if st.st_mode & 0o007 != 0 {
            return "VRF private key file at: \(path) has \"other\" file permissions. Please remove all \"other\" file permissions."
        }
        if st.st_mode & 0o070 != 0 {
            return "VRF private key file at: \(path) has \"group\" file permissions. Please remove all \"group\" file permissions."
        }
        return nil
    }
}
