/// The vocabulary of the pod's forge state machine (`PodForgeMachine`): what the reporter
/// observes of its pod, and the promise it leaves the guard.

/// One cardano-node process, across PID reuse: a recycled PID gets a new start time.
public struct NodeProcessID: Hashable, Sendable, CustomStringConvertible {
    public var pid: Int32
    /// Field 22 of /proc/PID/stat (clock ticks after boot).
    public var startTime: UInt64

    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    public var description: String { "pid \(pid) (start \(startTime))" }
}

/// What a look at the process table found for this pod's socket.
public enum NodeSighting: Equatable, Sendable {
    case running(NodeProcessID, nonProducing: Bool)
    /// No node for our socket: nothing of ours can be forging.
    case notRunning
    /// Cannot tell (several candidates, /proc unreadable, ...): never a guess.
    case unknown(String)

    public var process: NodeProcessID? {
        if case .running(let process, _) = self { return process }
        return nil
    }
}

/// The target key files as found on disk. Anything but `.absent` may let a node forge after a
/// SIGHUP, so partial and unreadable sets count as present when keys must go.
public enum KeyFilesState: String, Equatable, Sendable {
    case absent, present, partial, unreadable

    public var anyPresent: Bool { self != .absent }
}

/// Signals the machine may send to the node. SIGHUP reconfigures forging; SIGTERM and SIGKILL
/// are the escalation when a disable cannot be delivered: a dead node cannot forge.
public enum NodeSignal: String, Equatable, Sendable {
    case hangUp = "SIGHUP"
    case terminate = "SIGTERM"
    case kill = "SIGKILL"
}

/// What the fence file tells the guard.
public enum FenceIntent: Equatable, Sendable {
    /// Keys may be installed until `deadline` (CLOCK_BOOTTIME, shared by the pod's containers);
    /// `node` is the process they were installed for, which the guard signals by identity.
    case forging(until: MonotonicInstant, node: NodeProcessID?)
    /// Nothing to enforce: the keys are gone and the node that had them was told (or is dead).
    case notForging

    public var deadline: MonotonicInstant? {
        if case .forging(let deadline, _) = self { return deadline }
        return nil
    }
}

/// What a previous reporter of this pod left in the fence file, read before anything is written.
public enum PreviousFence: Equatable, Sendable {
    /// No file: a fresh pod.
    case none
    case notForging
    /// It may have left keys installed and a node forging: disable before anything else.
    case forging(node: NodeProcessID?)
    /// Unreadable or corrupt: treated like `forging` (fail closed).
    case unusable(String)
}

/// Everything the machine decides on, gathered by the reporter in one go.
public struct PodObservation: Equatable, Sendable {
    public var socketUp: Bool
    public var node: NodeSighting
    public var keys: KeyFilesState
    public var clusterAllowed: Bool
    /// The guard's heartbeat is fresh: someone will enforce the fence if this process hangs.
    public var guardAlive: Bool
    /// False only when the credentials definitely cannot forge (expired, other pool,
    /// unreadable): such a pod would take leadership and forge nothing. Unknown is usable.
    public var credentialsUsable: Bool
    /// Whether `PodForgeMachine.exposedProcess` still exists (nil: none, or cannot tell).
    public var exposedProcessAlive: Bool?

    public init(socketUp: Bool = false, node: NodeSighting = .notRunning, keys: KeyFilesState = .absent,
                clusterAllowed: Bool = false, guardAlive: Bool = true, credentialsUsable: Bool = true,
                exposedProcessAlive: Bool? = nil) {
        self.socketUp = socketUp
        self.node = node
        self.keys = keys
        self.clusterAllowed = clusterAllowed
        self.guardAlive = guardAlive
        self.credentialsUsable = credentialsUsable
        self.exposedProcessAlive = exposedProcessAlive
    }
}

/// The I/O the reporter performs for the machine, one at a time, reporting each outcome.
public enum PodAction: Equatable, Sendable {
    case writeFence(FenceIntent)
    /// Keys for a node that is about to start non-producing (it aborts without them).
    case provisionBootKeys
    /// Forging keys for `node`: the reporter first takes a handle on exactly that process
    /// (a pidfd), so every later signal reaches it and no other.
    case installKeys(for: NodeProcessID)
    case removeKeys(reason: String)
    case signal(NodeProcessID, NodeSignal, reason: String)
    case joinElection
    case leaveElection(release: Bool)
    /// Read the process table again now (a process seen without `--start-as-non-producing-node`
    /// may be one caught while exiting, whose command line reads empty).
    case lookAgain
    /// Graceful stop: wait (bounded) for the node to confirm that forging is disabled.
    case confirmDisable(NodeProcessID)
}

public enum PodActionOutcome: Equatable, Sendable {
    case done
    case failed(String)
    /// A signal found no such process (ESRCH, or its PID now belongs to another process).
    case processGone
    /// Answer to `confirmDisable`.
    case confirmed(Bool)
}
