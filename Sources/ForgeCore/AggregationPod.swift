import FoundationEssentials

/// What the aggregation needs from a Pod (the runtime maps the Kubernetes object to this, so
/// the logic here does not depend on the client's models). All of it is pod metadata, so the
/// aggregator watches pods as `PartialObjectMetadata`; one snapshot per pod is the only copy
/// it keeps (the informer hands objects over and forgets them).
///
/// A class, immutable: a decoded report is most of a snapshot's ~1 KiB, and every index and
/// selection of a pass (by label, by pool, per cluster) then holds a reference instead of a
/// copy. As a struct, one pass over 10 000 pods copied ~26 MiB into its indexes.
public final class PodSnapshot: Equatable, Sendable {
    public let name: String
    public let uid: String?
    public let labels: [String: String]
    /// The `cardano.io/forge-report` annotation, decoded once when the snapshot is made
    /// (nil: no annotation), so recomputing the status never re-parses unchanged reports.
    public let report: Result<ForgeReport, ReportParseError>?

    public init(name: String, uid: String? = nil, labels: [String: String] = [:], reportAnnotation: String? = nil) {
        self.name = name; self.uid = uid; self.labels = labels
        self.report = reportAnnotation.map(ForgeReport.decode(annotation:))
    }

    public static func == (a: PodSnapshot, b: PodSnapshot) -> Bool {
        a === b || (a.name == b.name && a.uid == b.uid && a.labels == b.labels && a.report == b.report)
    }
}

/// The last-seen `status.heartbeat` of peer regions and when it changed, on our monotonic
/// clock: a peer is live while its heartbeat was seen to change within the peer timeout.
public struct PeerHeartbeatTracker: Sendable {
    private var entries: [String: (heartbeat: Int64?, changedAt: MonotonicInstant)] = [:]

    public init() {}

    /// A peer seen for the first time starts its clock now: until it has been quiet for the
    /// whole peer timeout it is treated as possibly alive (fail closed).
    public mutating func observe(peer key: String, heartbeat: Int64?, at now: MonotonicInstant) {
        if let entry = entries[key], entry.heartbeat == heartbeat { return }
        entries[key] = (heartbeat, now)
    }

    public mutating func remove(peer key: String) { entries.removeValue(forKey: key) }

    public func age(peer key: String, now: MonotonicInstant) -> Duration {
        guard let entry = entries[key] else { return .zero }
        return now.duration(since: entry.changedAt)
    }
}

/// Report freshness on the aggregator's own monotonic clock: a report is fresh while its
/// `sequence` has changed within the grace period, measured from when *we* saw it change.
/// The reporter's `reportedAt` is never consulted, so skewed or jumping clocks cannot make a
/// dead reporter look alive.
public struct ReportFreshnessTracker: Sendable {
    struct Entry: Sendable {
        var uid: String?
        var sequence: Int64?
        var changedAt: MonotonicInstant
        /// Wall-clock time of the same moment, shown as `lastSeen` and never compared;
        /// formatted once here rather than on every recomputation.
        var changedAtText: String
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// Records the sequence currently in the pod's report (nil when there is no usable report).
    /// A pod seen for the first time, or recreated with a new uid, starts its grace period now.
    public mutating func observe(pod: String, uid: String?, sequence: Int64?, at now: MonotonicInstant, wall: Date) {
        if var entry = entries[pod], entry.uid == uid {
            if entry.sequence != sequence {
                entry.sequence = sequence
                if sequence != nil { entry.changedAt = now; entry.changedAtText = RFC3339.format(wall) }
                entries[pod] = entry
            }
        } else {
            entries[pod] = Entry(uid: uid, sequence: sequence, changedAt: now, changedAtText: RFC3339.format(wall))
        }
    }

    /// A deleted pod leaves at once.
    public mutating func remove(pod: String) { entries.removeValue(forKey: pod) }

    /// Forget every pod not in `names` (after a relist replaced the cache).
    public mutating func retain(only names: Set<String>) {
        entries = entries.filter { names.contains($0.key) }
    }

    public func isFresh(pod: String, now: MonotonicInstant, gracePeriod: Duration) -> Bool {
        guard let entry = entries[pod], entry.sequence != nil else { return false }
        return now.duration(since: entry.changedAt) <= gracePeriod
    }

    /// When we last saw this pod's report change: wall-clock RFC 3339 text, for display.
    public func lastChangeText(pod: String) -> String? { entries[pod]?.changedAtText }

    /// When this pod's report next goes stale, so the runtime can recompute at that moment.
    public func staleAt(pod: String, gracePeriod: Duration) -> MonotonicInstant? {
        guard let entry = entries[pod], entry.sequence != nil else { return nil }
        return entry.changedAt.advanced(by: gracePeriod)
    }
}
