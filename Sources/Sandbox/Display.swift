import ForgeCore
import Foundation

/// The sandbox's output. On a terminal: a screen redrawn about once a second with the tables
/// and the latest story lines under them. Otherwise (CI logs, pipes): story lines as they
/// happen and the tables whenever their content changes, so the log reads top to bottom.
final class Display: @unchecked Sendable {
    private let isTerminal = isatty(STDOUT_FILENO) != 0
    private let started = ContinuousClock.now
    private let state = Locked<(events: [String], lastTable: String, live: Bool)>(([], "", false))
    private let footer = Locked("")

    /// Text kept under the redrawn tables on a terminal: `kept` (already printed, e.g. the
    /// story's summary) and `text` (the kubectl hints), which is printed once otherwise.
    func setFooter(_ text: String, kept: String = "") {
        footer.withLock { $0 = kept + text }
        if !isTerminal { write(text + "\n") }
    }

    /// Timestamped line (seconds since the sandbox started), kept for the redrawn screen.
    func event(_ text: String) {
        let elapsed = (ContinuousClock.now - started).seconds
        let line = String(format: "[%6.1fs] ", elapsed) + text
        let live = state.withLock { s -> Bool in
            s.events.append(line)
            return s.live
        }
        if !isTerminal || !live { write(line + "\n") }
    }

    /// From now on, tables are drawn (after start-up progress).
    func goLive() { state.withLock { $0.live = true } }

    /// Stops redrawing (before the summary, which must stay on screen).
    func stopLive() { state.withLock { $0.live = false } }

    func show(_ snapshot: ClusterSnapshot) {
        let table = ClusterView.render(snapshot)
        let (events, changed, live) = state.withLock { s -> ([String], Bool, Bool) in
            // Freshness flips with timing noise; compare the rest to decide whether to log.
            var steady = snapshot
            steady.pods = steady.pods.map { var row = $0; row.fresh = false; return row }
            let key = ClusterView.render(steady)
            let changed = key != s.lastTable
            s.lastTable = key
            return (s.events, changed, s.live)
        }
        guard live else { return }
        if isTerminal {
            let header = "forge-sandbox: 2 regions x 3 block producers, 1 pool (ALPHA, mainnet)   Ctrl-C stops everything\n\n"
            let tail = events.suffix(16).joined(separator: "\n")
            write("\u{1B}[H\u{1B}[2J" + header + table + "\n" + tail + "\n" + footer.current + "\n")
        } else if changed {
            write(table + "\n")
        }
    }

    func print(_ text: String) { write(text + "\n") }

    /// Plain write(2), errors ignored: after the terminal hung up (EIO) or a pipe closed
    /// (EPIPE; SIGPIPE is ignored) the sandbox must still shut its children down.
    private func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}
