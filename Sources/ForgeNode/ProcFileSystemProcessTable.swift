#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ProcessTable` over Linux procfs.
///
/// Every file of a process can disappear between two reads (the process exits): any read
/// failure for one PID drops that PID from the snapshot instead of failing the scan.
public struct ProcFileSystemProcessTable: ProcessTable {
    public let procRoot: String

    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
    }

    public func processes() throws -> [ProcessEntry] {
        try pids().compactMap { process(pid: $0) }
    }

    /// Reads only `comm` of every process (the kernel answers it from the task, without the
    /// process's memory lock) and the rest only of those `keep` accepts. With `hostPID` or
    /// several nodes on one host the table holds every process of the host, and reading another
    /// process's `cmdline` or `stat` can block on its memory lock indefinitely; a reporter
    /// stuck in such a read cannot fence.
    public func processes(whereComm keep: (String) -> Bool) throws -> [ProcessEntry] {
        try pids().compactMap { pid in
            guard let comm = comm(pid: pid), keep(comm) else { return nil }
            return process(pid: pid)
        }
    }

    private func comm(pid: Int32) -> String? {
        guard let bytes = try? PosixFile.read("\(procRoot)/\(pid)/comm", limit: 64) else { return nil }
        var comm = String(decoding: bytes, as: UTF8.self)
        if comm.hasSuffix("\n") { comm.removeLast() }
        return comm
    }

    private func pids() throws -> [Int32] {
        guard let dir = opendir(procRoot) else { throw SystemError("opendir", path: procRoot) }
        defer { closedir(dir) }
        var pids: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if let pid = Int32(name), pid > 0 { pids.append(pid) }
        }
        return pids.sorted()
    }

    public func process(pid: Int32) -> ProcessEntry? {
        let base = "\(procRoot)/\(pid)"
        guard let statBytes = try? PosixFile.read(base + "/stat"),
              let stat = Self.parseStat(statBytes),
              let commBytes = try? PosixFile.read(base + "/comm")
        else { return nil }
        var comm = String(decoding: commBytes, as: UTF8.self)
        if comm.hasSuffix("\n") { comm.removeLast() }
        let cmdline = (try? PosixFile.read(base + "/cmdline")).map(Self.splitCommandLine) ?? []
        var executable: String?
        var fromExe = false
        if let target = Self.readLink(base + "/exe") {
            // A replaced binary reads "/path/name (deleted)"; the name is still the name.
            let trimmed = target.hasSuffix(" (deleted)") ? String(target.dropLast(10)) : target
            executable = PosixFile.baseName(trimmed)
            fromExe = true
        } else if let argv0 = cmdline.first, !argv0.isEmpty {
            executable = PosixFile.baseName(argv0)
        }
        return ProcessEntry(pid: pid, comm: comm, executableName: executable, executableNameFromExe: fromExe,
                            commandLine: cmdline, startTime: stat.startTime, state: stat.state)
    }

    /// Field 3 (state) and field 22 (starttime) of /proc/PID/stat. Field 2 is "(comm)" and
    /// comm may contain spaces and parentheses, so parse after the LAST ')'.
    static func parseStat(_ bytes: [UInt8]) -> (state: Character, startTime: UInt64)? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let rest = String(decoding: bytes[(close + 1)...], as: UTF8.self)
        let fields = rest.split(separator: " ", omittingEmptySubsequences: true)
        // rest starts at field 3, so field N is fields[N - 3].
        guard fields.count > 19, let state = fields[0].first, let start = UInt64(fields[19]) else { return nil }
        return (state, start)
    }

    static func splitCommandLine(_ bytes: [UInt8]) -> [String] {
        var parts = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        // cmdline ends with a NUL, which leaves one empty trailing element.
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return buffer.withUnsafeBufferPointer { raw in
            String(decoding: UnsafeRawBufferPointer(start: raw.baseAddress, count: n), as: UTF8.self)
        }
    }
}
