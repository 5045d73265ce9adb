import ForgeCore

/// Where reports go. `submit` never blocks the controller: the real implementation
/// (`PodAnnotationPublisher`) hands the report to its own task, so a slow or hung API server
/// cannot delay fencing.
protocol ReportPublisher: Sendable {
    func submit(_ report: ForgeReport)
    /// Publishes `report` and waits (bounded) until it is written; used for the final
    /// `stopping` report before exit.
    func publishNow(_ report: ForgeReport, timeout: Duration) async -> Bool
}

/// Decides when to publish: on any content change, otherwise every `heartbeat`; numbers the
/// reports. `sequence` and the `reportedAt`/`checkedAt` stamps do not count as content.
struct ReportSchedule: Sendable {
    let heartbeat: Duration
    private(set) var sequence: Int64 = 0
    private var lastContent: ForgeReport?
    private var lastPublishedAt: MonotonicInstant?

    init(heartbeat: Duration) { self.heartbeat = heartbeat }

    /// Returns the numbered report to publish now, or nil if nothing is due.
    mutating func next(_ report: ForgeReport, now: MonotonicInstant, force: Bool = false) -> ForgeReport? {
        var content = report
        content.sequence = 0
        content.reportedAt = nil
        content.socket.checkedAt = nil
        let due = force || content != lastContent
            || lastPublishedAt.map { now.duration(since: $0) >= heartbeat } ?? true
        guard due else { return nil }
        sequence += 1
        lastContent = content
        lastPublishedAt = now
        var numbered = report
        numbered.sequence = sequence
        return numbered
    }
}
