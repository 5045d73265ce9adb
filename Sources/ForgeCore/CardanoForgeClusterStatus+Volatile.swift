extension CardanoForgeClusterStatus {
    /// The status without the fields that move on their own in steady state: the write
    /// counter, each pod's `lastSeen` (it follows every report heartbeat), and the health
    /// probe's time and response time (every probe). A status whose only differences are
    /// these is not worth a write: at hundreds of pools those fields alone would cost a write
    /// per report heartbeat per pod. When something real changes, the write carries their
    /// current values too, so what is shown is never older than the last real change.
    public var withoutVolatileFields: CardanoForgeClusterStatus {
        var copy = self
        copy.heartbeat = nil
        copy.reportingPods = reportingPods?.map { pod in
            var pod = pod
            pod.lastSeen = nil
            return pod
        }
        if var health = copy.healthStatus {
            health.lastProbeTime = nil
            health.responseTime = nil
            copy.healthStatus = health
        }
        return copy
    }

    /// Whether `self` differs from `other` in anything but the volatile fields.
    public func differsSubstantively(from other: CardanoForgeClusterStatus?) -> Bool {
        guard let other else { return true }
        return withoutVolatileFields != other.withoutVolatileFields
    }
}
