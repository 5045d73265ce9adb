#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file atomically: readers see either the old or the new content, never a mix.
///
/// The temp file is created next to the target (rename is only atomic within one file
/// system), with O_CREAT|O_EXCL so a planted file or symlink is never written through, and
/// `fchmod`ed so the process umask cannot widen the mode. Temp files carry a recognisable
/// prefix so leftovers from a crash can be found and removed (`removeLeftovers`).
struct AtomicFileWriter {
    /// Mode of the final file.
    var mode: mode_t
    /// fsync the data and the directory. Needed for key files (crash durability); the fence
    /// file skips it because a host crash kills every reader along with it.
    var durable: Bool

    static func temporaryPrefix(for target: String) -> String {
        "." + PosixFile.baseName(target) + ".forge-tmp."
    }

    func write(_ bytes: [UInt8], to target: String) throws {
        let directory = PosixFile.directoryName(target)
        var tempPath = ""
        var fd: Int32 = -1
        // A random suffix plus O_EXCL: retry the (astronomically unlikely) collision.
        for _ in 0..<8 {
            tempPath = directory + "/" + Self.temporaryPrefix(for: target)
                + String(getpid()) + "." + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw SystemError("create temporary file for", path: target) }
        var committed = false
        defer {
            if fd >= 0 { close(fd) }
            if !committed { unlink(tempPath) }
        }
        guard fchmod(fd, mode) == 0 else { throw SystemError("fchmod", path: tempPath) }
        try PosixFile.writeAll(fd, bytes, path: tempPath)
        if durable, fsync(fd) != 0 { throw SystemError("fsync", path: tempPath) }
        guard close(fd) == 0 else {
            fd = -1
            throw SystemError("close", path: tempPath)
        }
        fd = -1
        guard rename(tempPath, target) == 0 else { throw SystemError("rename over", path: target) }
        committed = true
        if durable { try PosixFile.syncDirectory(directory) }
    }

    /// Removes temp files a crashed writer left next to `target`. Best effort.
    static func removeLeftovers(for target: String) {
        let directory = PosixFile.directoryName(target)
        let prefix = temporaryPrefix(for: target)
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasPrefix(prefix) { names.append(name) }
        }
        for name in names { unlink(directory + "/" + name) }
    }
}
