import Foundation

/// The campaign's table, one row per fault type, in Markdown (it goes into docs/SAFETY.md as
/// printed).
enum ChaosTable {
    static func render(_ results: [ChaosEpisodeResult]) -> String {
        var lines = [
            "| fault | episodes | overlaps | worst overlap (s) | worst overlap after fault end (s) | time to forger p50 (s) | time to forger max (s) | failures |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for kind in ChaosFaultKind.allCases {
            let rows = results.filter { $0.plan.kind == kind }
            guard !rows.isEmpty else { continue }
            let overlaps = rows.flatMap(\.overlaps)
            let times = rows.compactMap(\.timeToForger).sorted()
            lines.append("| \(kind.rawValue) | \(rows.count) | \(overlaps.count) | "
                + seconds(overlaps.map(\.seconds).max()) + " | " + seconds(overlaps.map(\.afterFaultEnd).max()) + " | "
                + seconds(percentile(times, 0.5)) + " | " + seconds(times.last) + " | "
                + "\(rows.filter { !$0.failures.isEmpty }.count) |")
        }
        let all = results.flatMap(\.overlaps)
        let times = results.compactMap(\.timeToForger).sorted()
        lines.append("| **all** | \(results.count) | \(all.count) | " + seconds(all.map(\.seconds).max()) + " | "
            + seconds(all.map(\.afterFaultEnd).max()) + " | " + seconds(percentile(times, 0.5)) + " | "
            + seconds(times.last) + " | \(results.filter { !$0.failures.isEmpty }.count) |")
        return lines.joined(separator: "\n")
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    private static func seconds(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0) } ?? "-"
    }
}
