import ForgeCore

/// The parts of a core/v1 Pod this project reads. Never written back whole (the reporter
/// patches its own annotation), so unknown fields are not retained.
public struct Pod: KubeObject, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: PodSpec?
    public var status: PodStatus?

    public init(metadata: ObjectMeta, spec: PodSpec? = nil, status: PodStatus? = nil) {
        self.apiVersion = "v1"
        self.kind = "Pod"
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct PodSpec: Codable, Equatable, Sendable {
    public var nodeName: String?
    public init(nodeName: String? = nil) { self.nodeName = nodeName }
}

public struct PodStatus: Codable, Equatable, Sendable {
    /// Pending, Running, Succeeded, Failed, Unknown.
    public var phase: String?
    public var podIP: String?
    public var conditions: [PodCondition]?

    public init(phase: String? = nil, podIP: String? = nil, conditions: [PodCondition]? = nil) {
        self.phase = phase
        self.podIP = podIP
        self.conditions = conditions
    }

    /// True when the kubelet reports the `Ready` condition as "True".
    public var isReady: Bool {
        conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
    }
}

public struct PodCondition: Codable, Equatable, Sendable {
    public var type: String
    public var status: String
    public var lastTransitionTime: String?
    public var reason: String?
    public var message: String?

    public init(type: String, status: String, lastTransitionTime: String? = nil, reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}
