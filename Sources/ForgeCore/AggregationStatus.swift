import FoundationEssentials

/// Builds the desired `status` of one of our CardanoForgeClusters from the pod aggregate, the
/// health tracker and the forge decision. Pure: the caller diffs the result against what it
/// last wrote and sends a merge patch only when something changed.
public enum ClusterStatusBuilder {
    public struct Input: Sendable {
        public var generation: Int64?
        /// The status as last written or observed (for transition times).
        public var previous: CardanoForgeClusterStatus?
        public var pods: PodAggregate
        public var effective: EffectiveState
        /// nil when the health check is disabled.
        public var health: CardanoForgeClusterStatus.HealthStatus?
        public var decision: ForgeDecision
        public var heartbeat: Int64
        /// Wall clock, for display timestamps only.
        public var now: Date

        public init(generation: Int64?, previous: CardanoForgeClusterStatus?, pods: PodAggregate,
                    effective: EffectiveState, health: CardanoForgeClusterStatus.HealthStatus?,
                    decision: ForgeDecision, heartbeat: Int64, now: Date) {
            self.generation = generation; self.previous = previous; self.pods = pods
            self.effective = effective; self.health = health; self.decision = decision
            self.heartbeat = heartbeat; self.now = now
        }
    }

    public static func build(_ input: Input) -> CardanoForgeClusterStatus {
        let pods = input.pods
        let decision = input.decision
        let nowText = RFC3339.format(input.now)
        var status = CardanoForgeClusterStatus()
        status.effectiveState = input.effective.state.rawValue
        status.effectivePriority = input.effective.priority
        status.forgingEnabled = decision.forgingEnabled
        status.activeLeader = pods.activeLeader
        // Filled even without a health check, so the Healthy printer column is never blank.
        status.healthStatus = input.health
            ?? .init(healthy: true, consecutiveFailures: 0, message: "health check disabled")
        status.reportingPods = pods.reportingPods
        status.totalPods = pods.totalPods
        status.freshPods = pods.freshPods
        status.heartbeat = input.heartbeat
        status.observedGeneration = input.generation

        let multipleForgers = pods.forgers.count > 1
        var messages: [String] = []
        if multipleForgers {
            messages.append("\(pods.forgers.count) fresh reports claim forging (\(pods.forgers.joined(separator: ", "))): at most one may forge")
        }
        messages.append(decision.message)
        messages.append(contentsOf: input.effective.notes)
        if !pods.reportErrors.isEmpty {
            messages.append("unusable reports: " + pods.reportErrors.keys.sorted().map { "\($0): \(pods.reportErrors[$0]!)" }.joined(separator: "; "))
        }
        status.reason = multipleForgers ? "MultipleForgers" : decision.reason
        status.message = messages.joined(separator: "; ")
        status.phase = phase(input, multipleForgers: multipleForgers)

        let previous = input.previous
        let transitioned = previous?.forgingEnabled != status.forgingEnabled || previous?.activeLeader != status.activeLeader
        status.lastTransition = transitioned || previous?.lastTransition == nil ? nowText : previous?.lastTransition

        let generation = input.generation
        func condition(_ type: String, _ on: Bool, _ reason: String, _ message: String) -> StatusCondition {
            StatusCondition(type: type, status: on ? "True" : "False", reason: reason, message: message,
                            observedGeneration: generation)
        }
        let healthy = input.health?.healthy ?? true
        status.conditions = StatusCondition.merge([
            condition("Ready", pods.freshPods > 0, pods.freshPods > 0 ? "ReportsFresh" : "NoFreshReports",
                      "\(pods.freshPods) of \(pods.totalPods) pods have a fresh report"),
            condition("LeaderElected", pods.activeLeader != nil, pods.activeLeader != nil ? "LeaseHeld" : "NoLeader",
                      pods.activeLeader.map { "\($0) holds the lease" } ?? "no fresh report claims the lease"),
            condition("Forging", !pods.forgers.isEmpty, pods.forgers.isEmpty ? "NotForging" : "Forging",
                      pods.forgers.isEmpty ? "no fresh report claims forging" : "forging: \(pods.forgers.joined(separator: ", "))"),
            condition("HealthCheckPassing", healthy,
                      input.health == nil ? "HealthCheckDisabled" : (healthy ? "Healthy" : "Unhealthy"),
                      input.health?.message ?? "health check disabled"),
            degraded(multipleForgers: multipleForgers, message: messages.first, input: input, condition: condition),
        ], into: previous?.conditions, now: nowText)
        return status
    }

    /// The `Degraded` condition: several forgers, then a region claimed twice (a
    /// configuration error that keeps the region off), then unusable reports.
    static func degraded(multipleForgers: Bool, message: String?, input: Input,
                         condition: (String, Bool, String, String) -> StatusCondition) -> StatusCondition {
        let pods = input.pods
        if multipleForgers { return condition("Degraded", true, "MultipleForgers", message ?? "several pods forge") }
        if input.decision.reason == "ConflictingRegion" {
            return condition("Degraded", true, "ConflictingRegion", input.decision.message)
        }
        if !pods.reportErrors.isEmpty {
            return condition("Degraded", true, "ReportErrors", "\(pods.reportErrors.count) pods have unusable reports")
        }
        return condition("Degraded", false, "AsExpected", "no problems")
    }

    static func phase(_ input: Input, multipleForgers: Bool) -> String {
        if multipleForgers { return "Degraded" }
        switch input.effective.state {
        case .disabled, .unknown: return "Disabled"
        default: break
        }
        if !input.effective.healthy { return "Unhealthy" }
        if input.decision.forgingEnabled { return input.pods.forgers.isEmpty ? "Enabled" : "Forging" }
        return "Standby"
    }

    /// The compatible `CardanoLeader` status mirroring a cluster status.
    public static func leaderStatus(from status: CardanoForgeClusterStatus, previous: CardanoLeaderStatus?,
                                    generation: Int64?) -> CardanoLeaderStatus {
        var leader = CardanoLeaderStatus(
            leaderPod: status.activeLeader ?? "", forgingEnabled: status.forgingEnabled,
            lastTransitionTime: status.lastTransition, reason: status.reason, observedGeneration: generation)
        let keep: Set<String> = ["LeaderElected", "Forging"]
        leader.conditions = status.conditions?.filter { keep.contains($0.type) }
        if previous?.leaderPod == leader.leaderPod, previous?.forgingEnabled == leader.forgingEnabled,
           let time = previous?.lastTransitionTime {
            leader.lastTransitionTime = time
        }
        return leader
    }
}
