#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to file descriptor 2. `stderr` (the C `FILE *`) is a global mutable
/// variable that Swift 6's concurrency checking rightly refuses; a whole line per write(2) also
/// keeps concurrent log lines from interleaving.
public enum StandardError {
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)   // var: withUnsafeMutableBytes needs it
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                systemWrite(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return  // nowhere left to report it
            }
            offset += written
        }
    }
}

/// write(2), named apart from `StandardError.write` (and from Glibc vs Darwin).
private func systemWrite(_ fd: Int32, _ pointer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    write(fd, pointer, count)
}
