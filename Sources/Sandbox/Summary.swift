import ForgeNode
import Foundation

/// The end of the story: the measured figures and the invariants, checked with the forging
/// oracle over every stand-in's transitions file.
enum Summary {
    /// The summary text, and false if an invariant broke.
    static func report(story: Story, system: SandboxSystem) -> (ok: Bool, text: String) {
        var problems = story.failures
        var overlapCount = 0
        var forgers: [String] = []
        do {
            let timeline = try system.timeline()
            let overlaps = try timeline.overlaps(openUntil: SandboxSystem.now)
            overlapCount = overlaps.count
            if !overlaps.isEmpty { problems.append("forging intervals overlapped: \(overlaps)") }
            forgers = try system.forgingPods().map(\.name)
            if forgers.count != 1 { problems.append("expected one forger at the end, found \(forgers)") }
        } catch {
            problems.append("reading the stand-ins' transitions: \(error)")
        }
        var lines = ["", "==== forge-sandbox summary ===="]
        for m in story.measurements {
            let label = (m.what + ":").padding(toLength: 33, withPad: " ", startingAt: 0)
            lines.append("  " + label + String(format: "%6.2f s   ", m.seconds) + "(\(m.detail))")
        }
        lines.append("  failovers measured:              \(story.measurements.count) (from the kill/fault to the new stand-in's \"Enabling block forging\")")
        lines.append("  forging intervals overlapped:    \(overlapCount)")
        lines.append("  forging at the end:              \(forgers.isEmpty ? "nobody" : forgers.joined(separator: ", "))")
        lines.append(problems.isEmpty ? "  result: OK" : "  result: FAILED")
        for problem in problems { lines.append("    - \(problem)") }
        return (problems.isEmpty, lines.joined(separator: "\n"))
    }
}
