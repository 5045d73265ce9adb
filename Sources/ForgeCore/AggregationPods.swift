import FoundationEssentials

/// The pods of one region, summarised from their reports.
public struct PodAggregate: Equatable, Sendable {
    public var reportingPods: [CardanoForgeClusterStatus.ReportingPod]
    public var totalPods: Int
    public var freshPods: Int
    /// Pods whose own fresh report says they hold the Lease.
    public var leaders: [String]
    /// Pods whose fresh report says forging is enabled.
    public var forgers: [String]
    /// Pods whose annotation could not be used, with the reason.
    public var reportErrors: [String: String]

    public var activeLeader: String? { leaders.count == 1 ? leaders[0] : leaders.first }
}

public enum PodAggregation {
    /// Summarises `pods` (already selected for this region). Never fails: an annotation that
    /// is missing, corrupt, oversized, of an unknown schemaVersion or for another pool shows
    /// up as that pod's `phase: error` with the reason.
    public static func aggregate(
        pods: [PodSnapshot], pool: PoolKey?, isFresh: (String) -> Bool, lastSeen: (String) -> String? = { _ in nil }
    ) -> PodAggregate {
        var result = PodAggregate(reportingPods: [], totalPods: pods.count, freshPods: 0,
                                  leaders: [], forgers: [], reportErrors: [:])
        // Exactly one entry per pod: the list is kept in the status for as long as nothing
        // changes, and growing it by appending left it up to twice as large as needed.
        result.reportingPods.reserveCapacity(pods.count)
        for pod in pods.sorted(by: { $0.name < $1.name }) {
            guard let report = pod.report else {
                result.reportingPods.append(.init(podName: pod.name, phase: "pending", fresh: false,
                                                  message: "no \(ForgeReport.annotationKey) annotation yet"))
                continue
            }
            switch report {
            case .failure(let error):
                result.reportErrors[pod.name] = error.reason
                result.reportingPods.append(.init(podName: pod.name, phase: "error", fresh: false, reason: "UnusableReport", message: error.reason))
            case .success(let report):
                if let mismatch = poolMismatch(report, pool) {
                    result.reportErrors[pod.name] = mismatch
                    result.reportingPods.append(.init(podName: pod.name, phase: "error", fresh: false, reason: "ReportForOtherPool", message: mismatch))
                    continue
                }
                let fresh = isFresh(pod.name)
                let leader = report.leadership.holder == pod.name
                if fresh {
                    result.freshPods += 1
                    if leader { result.leaders.append(pod.name) }
                    if report.forging.enabled { result.forgers.append(pod.name) }
                }
                result.reportingPods.append(.init(
                    podName: pod.name, phase: report.phase.rawValue, leader: leader,
                    forging: report.forging.enabled, socketHealthy: report.socket.healthy,
                    credentials: report.credentials.state.rawValue, fresh: fresh,
                    lastSeen: lastSeen(pod.name),
                    message: fresh ? report.lastError : "report unchanged for longer than the grace period"))
            }
        }
        return result
    }

    static func poolMismatch(_ report: ForgeReport, _ pool: PoolKey?) -> String? {
        guard let pool else { return nil }
        if let network = report.network, !network.isEmpty, network != pool.network {
            return "report is for network \(network), this cluster is \(pool.network)"
        }
        if let id = report.poolId, !id.isEmpty, id != pool.poolId {
            return "report is for pool \(id), this cluster is \(pool.poolId)"
        }
        return nil
    }
}
