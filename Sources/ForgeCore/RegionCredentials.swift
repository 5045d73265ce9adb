import FoundationEssentials

extension CardanoForgeClusterStatus {
    /// `status.credentials`: the region's credentials as its reporters read them from the
    /// Secret, and how they compare with the pool's other regions. Written by the aggregator.
    public struct CredentialsSummary: Codable, Equatable, Sendable {
        /// `usable`, `cannotForge` or `unknown` for the region as a whole.
        public var verdict: String?
        /// False when the credentials keep this region from being eligible (`CredentialsNotUsable`).
        public var usable: Bool?
        /// The certificate the region would forge with (highest counter among its pods).
        public var opcertSHA256: String?
        public var issueCounter: UInt64?
        public var kesStartPeriod: UInt64?
        public var kesEndPeriod: UInt64?
        public var kesPeriodsRemaining: UInt64?
        /// RFC 3339 estimate from the reporters (node slot + genesis).
        public var kesExpiresAt: String?
        /// Whole days until `kesExpiresAt` on the aggregator's clock (printer column).
        public var kesDaysLeft: Int?
        public var poolIdMatches: Bool?
        /// Every pod of this region read the same certificate, and every live peer region that
        /// publishes credentials shows the same one.
        public var consistent: Bool?
        public var podsConsistent: Bool?
        /// nil when no live peer publishes credentials.
        public var peersConsistent: Bool?
        /// Pods whose report carries a credentials inspection.
        public var inspectedPods: Int?
        public var message: String?

        public init() {}
    }
}

/// Judges a region's credentials from its pods' inspections and its live peers' summaries.
/// Pure; the aggregator feeds it and merges the result into the status.
public enum RegionCredentialsJudge {
    public struct Pod: Equatable, Sendable {
        public var name: String
        public var inspection: CredentialInspection
        public init(name: String, inspection: CredentialInspection) { self.name = name; self.inspection = inspection }
    }

    public struct Judgement: Equatable, Sendable {
        public var summary: CardanoForgeClusterStatus.CredentialsSummary?
        /// `CredentialsReady`, without transition time (merged by the caller).
        public var condition: StatusCondition
        /// Why the region must not be eligible, or nil.
        public var notUsable: String?
    }

    /// Fewer days than this left on the KES key: `KESExpiringSoon` (the warning alert's bound).
    public static let expiringSoonDays = 14

    /// `pods`: fresh pods whose report has a credentials inspection. `peers`: the pool's other
    /// regions; only those within `peerTimeout` count.
    public static func judge(pods: [Pod], peers: [PeerRegion], peerTimeout: Duration, now: Date,
                             generation: Int64? = nil) -> Judgement {
        func condition(_ status: String, _ reason: String, _ message: String) -> StatusCondition {
            StatusCondition(type: "CredentialsReady", status: status, reason: reason, message: message, observedGeneration: generation)
        }
        guard !pods.isEmpty else {
            return Judgement(summary: nil, condition: condition("Unknown", "NotReported", "no fresh report carries a credentials inspection"), notUsable: nil)
        }
        let sorted = pods.sorted { $0.name < $1.name }
        let able = sorted.filter { $0.inspection.verdict != .cannotForge }
        let unable = sorted.filter { $0.inspection.verdict == .cannotForge }
        // The credentials the region would forge with: a pod that cannot forge never campaigns,
        // so the leader comes from `able`; among those the highest counter is what counts on-chain.
        let representative = able.max { lhs, rhs in
            let (a, b) = (lhs.inspection, rhs.inspection)
            if (a.issueCounter ?? 0) != (b.issueCounter ?? 0) { return (a.issueCounter ?? 0) < (b.issueCounter ?? 0) }
            if (a.verdict == .usable) != (b.verdict == .usable) { return b.verdict == .usable }
            return lhs.name > rhs.name
        } ?? unable[0]
        let chosen = representative.inspection

        var summary = CardanoForgeClusterStatus.CredentialsSummary()
        summary.verdict = able.isEmpty ? CredentialVerdict.cannotForge.rawValue : chosen.verdict.rawValue
        summary.opcertSHA256 = chosen.opcertSHA256
        summary.issueCounter = chosen.issueCounter
        summary.kesStartPeriod = chosen.kesStartPeriod
        summary.kesEndPeriod = chosen.kesEndPeriod
        summary.kesPeriodsRemaining = chosen.kesPeriodsRemaining
        summary.kesExpiresAt = chosen.kesExpiresAt
        summary.kesDaysLeft = chosen.kesExpiresAt.flatMap(RFC3339.parse).map { max(0, Int(($0.timeIntervalSince(now) / 86_400).rounded(.down))) }
        summary.poolIdMatches = chosen.poolIdMatches
        summary.inspectedPods = sorted.count

        let certificates = Set(sorted.compactMap(\.inspection.opcertSHA256))
        let counters = Set(sorted.compactMap(\.inspection.issueCounter))
        summary.podsConsistent = certificates.count <= 1 && counters.count <= 1

        let livePeers = peers.filter { $0.heartbeatAge <= peerTimeout }.compactMap { peer -> (String, CardanoForgeClusterStatus.CredentialsSummary)? in
            peer.status?.credentials.map { (peer.name, $0) }
        }
        var peerCertificateDiffers: [String] = []
        var higherPeers: [String] = []
        for (name, peer) in livePeers {
            if let theirs = peer.opcertSHA256, let ours = chosen.opcertSHA256, theirs != ours { peerCertificateDiffers.append(name) }
            if let theirs = peer.issueCounter, let ours = chosen.issueCounter, theirs > ours, peer.usable != false {
                higherPeers.append("\(name) (\(theirs))")
            }
        }
        summary.peersConsistent = livePeers.isEmpty ? nil : peerCertificateDiffers.isEmpty && higherPeers.isEmpty
        summary.consistent = summary.podsConsistent == true && summary.peersConsistent != false

        var notUsable: String?
        let result: StatusCondition
        if able.isEmpty {
            let reason = chosen.reason ?? CredentialProblem.unreadable.rawValue
            notUsable = "no pod's credentials can forge: \(representative.name): \(chosen.message ?? reason)"
            result = condition("False", reason, notUsable!)
        } else if !higherPeers.isEmpty {
            notUsable = "issue counter \(chosen.issueCounter ?? 0) is lower than live peer \(higherPeers.joined(separator: ", ")): the chain would reject our blocks"
            result = condition("False", "CountersDiffer", notUsable!)
        } else if let broken = unable.first {
            result = condition("False", broken.inspection.reason ?? CredentialProblem.unreadable.rawValue,
                               "\(broken.name) cannot forge: \(broken.inspection.message ?? "")")
        } else if counters.count > 1 {
            result = condition("False", "CountersDiffer", "pods read different issue counters: " + describe(sorted) { $0.issueCounter.map(String.init) })
        } else if certificates.count > 1 || !peerCertificateDiffers.isEmpty {
            let where_ = certificates.count > 1 ? "pods read different certificates: " + describe(sorted) { $0.opcertSHA256.map { String($0.prefix(12)) } }
                : "peer regions show another certificate: " + peerCertificateDiffers.sorted().joined(separator: ", ")
            result = condition("False", "CertificatesDiffer", where_)
        } else if chosen.verdict == .unknown {
            result = condition("Unknown", chosen.reason ?? CredentialProblem.slotUnknown.rawValue, chosen.message ?? "KES window unknown")
        } else if let days = summary.kesDaysLeft, days < expiringSoonDays {
            result = condition("True", "KESExpiringSoon", "KES key expires in \(days) days (\(chosen.kesExpiresAt ?? "?")), period \(chosen.kesEndPeriod.map(String.init) ?? "?"): rotate it")
        } else {
            result = condition("True", "Usable", "counter \(chosen.issueCounter.map(String.init) ?? "?"), \(summary.kesDaysLeft.map { "\($0) days" } ?? "unknown time") of KES left")
        }
        summary.usable = notUsable == nil
        summary.message = result.message
        return Judgement(summary: summary, condition: result, notUsable: notUsable)
    }

    private static func describe(_ pods: [Pod], _ value: (CredentialInspection) -> String?) -> String {
        pods.map { "\($0.name)=\(value($0.inspection) ?? "?")" }.joined(separator: ", ")
    }
}

extension RegionCredentialsJudge {
    /// The fresh pods' inspections, from the region's snapshots and the aggregate's freshness.
    public static func pods(from snapshots: [PodSnapshot], aggregate: PodAggregate) -> [Pod] {
        let fresh = Set(aggregate.reportingPods.filter { $0.fresh == true }.compactMap(\.podName))
        return snapshots.compactMap { snapshot in
            guard fresh.contains(snapshot.name), case .success(let report)? = snapshot.report,
                  let inspection = report.credentials.source else { return nil }
            return Pod(name: snapshot.name, inspection: inspection)
        }
    }

    /// Puts the judgement into a built status: `status.credentials` and the `CredentialsReady`
    /// condition (its transition time carried over from `previous` unless its status changed).
    public static func apply(_ judgement: Judgement, to status: inout CardanoForgeClusterStatus,
                             previous: CardanoForgeClusterStatus?, now: Date) {
        status.credentials = judgement.summary
        let merged = StatusCondition.merge([judgement.condition], into: previous?.conditions, now: RFC3339.format(now))
        status.conditions = (status.conditions ?? []).filter { $0.type != "CredentialsReady" } + merged
    }
}
