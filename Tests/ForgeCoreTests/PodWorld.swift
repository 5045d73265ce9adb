@testable import ForgeCore

/// A simulated pod around `PodForgeMachine`: a cardano-node process that forges exactly when a
/// SIGHUP reaches it with the keys on disk, key files, the fence file, the guard and the
/// election, with faults switched on and off by random events. It performs the machine's
/// actions as the reporter would and checks the safety invariants after every step.
struct PodWorld {
    static let margin = Duration.milliseconds(500)
    static let term = Duration.seconds(2)

    var machine: PodForgeMachine
    var now = MonotonicInstant(nanoseconds: 1_000_000_000_000)
    var nextPID: Int32 = 100
    // The node
    var node: NodeProcessID?
    var nodeForging = false {
        didSet { if !nodeForging { enabledByUs = false } }
    }
    /// The node forges because the reporter's SIGHUP enabled it (not a producing start).
    var enabledByUs = false
    var nonProducing = true
    /// The running node was started without the flag, with keys: it forges after its replay.
    var producingStart = false
    var socketUp = false
    var decoy = false
    // Files
    var keys = false
    var fence: FenceIntent?
    // Faults and inputs
    var signalsFail = false
    var hangUpFails = false
    var installFails = false
    var fenceWriteFails = false
    var clusterAllowed = true
    var guardAlive = true
    var credentialsUsable = true
    var joined = false
    var released = 0
    /// What went wrong, if anything (the property fails on the first violation).
    var violations: [String] = []
    var log: [String] = []

    init(previous: PreviousFence = .none) {
        machine = PodForgeMachine(settings: .init(margin: Self.margin), previousFence: previous, now: now)
    }

    var sighting: NodeSighting {
        if decoy { return .unknown("2 processes name the socket") }
        guard let node else { return .notRunning }
        return .running(node, nonProducing: nonProducing)
    }

    func alive(_ process: NodeProcessID) -> Bool { node == process }

    func observation() -> PodObservation {
        PodObservation(
            socketUp: socketUp && node != nil, node: sighting, keys: keys ? .present : .absent,
            clusterAllowed: clusterAllowed, guardAlive: guardAlive, credentialsUsable: credentialsUsable,
            exposedProcessAlive: machine.exposedProcess.map(alive))
    }

    // MARK: the reporter's part

    mutating func pass() {
        machine.observe(observation(), now: now)
        drive()
    }

    mutating func drive() {
        var steps = 0
        while steps < 40, let action = machine.nextAction(now: now) {
            steps += 1
            let outcome = perform(action)
            log.append("\(action) -> \(outcome)")
            machine.record(outcome, of: action, now: now)
            check(after: action)
            if case .failed = outcome { break }
        }
        if steps >= 40 { violations.append("more than 40 actions in one pass: \(log.suffix(6))") }
    }

    mutating func perform(_ action: PodAction) -> PodActionOutcome {
        switch action {
        case .writeFence(let intent):
            if intent == .notForging, nodeForging || machine.exposed {
                violations.append("writing 'not forging' while \(nodeForging ? "the node forges" : "a disable is owed: \(machine.state)")")
            }
            if fenceWriteFails { return .failed("EIO") }
            fence = intent
        case .provisionBootKeys:
            if installFails { return .failed("source unreadable") }
            keys = true
        case .installKeys(let process):
            if let deadline = fence?.deadline, deadline.duration(since: now) > Self.margin, fence == .forging(until: deadline, node: process) {
            } else {
                violations.append("keys installed without a fence deadline more than the margin ahead: fence \(String(describing: fence))")
            }
            if installFails { return .failed("source unreadable") }
            keys = true
        case .removeKeys:
            keys = false
        case .signal(let process, let signal, _):
            guard alive(process) else { return .processGone }
            if signalsFail || (signal == .hangUp && hangUpFails) { return .failed("EPERM") }
            switch signal {
            case .hangUp:
                nodeForging = keys
                enabledByUs = keys
            case .terminate, .kill: nodeDies()
            }
        case .lookAgain:
            machine.refresh(observation())
        case .joinElection:
            joined = true
        case .leaveElection(let release):
            if release {
                released += 1
                if nodeForging { violations.append("Lease released while the node forges") }
                if machine.exposed { violations.append("Lease released while a disable is owed: \(machine.state)") }
            }
            joined = false
        case .confirmDisable:
            return .confirmed(!nodeForging)
        }
        return .done
    }

    mutating func check(after action: PodAction) {
        if nodeForging, enabledByUs, fence == .notForging {
            violations.append("the fence record says not forging while the node forges (after \(action))")
        }
        if case .forging(let process) = machine.state, machine.enableDelivered, process == node, !nodeForging, keys {
            violations.append("forging claimed without a delivered enable")
        }
    }

    // MARK: the rest of the pod

    mutating func nodeDies() {
        node = nil
        producingStart = false
        nodeForging = false
        socketUp = false
    }

    /// A node container start: it aborts without keys; with them it boots non-producing.
    mutating func nodeStarts() {
        guard node == nil, keys else { return }
        node = NodeProcessID(pid: nextPID, startTime: UInt64(nextPID))
        nextPID += 1
        producingStart = !nonProducing
    }

    /// The replay ends: the socket appears, and a producing start begins to forge.
    mutating func replayEnds() {
        guard node != nil, !socketUp else { return }
        socketUp = true
        if producingStart { nodeForging = true }
        producingStart = false
    }

    /// The guard: once the fence deadline has passed, keys go and the recorded node is told.
    mutating func guardTick() {
        guard guardAlive, let deadline = fence?.deadline, now >= deadline else { return }
        keys = false
        if node != nil, !signalsFail, !hangUpFails { nodeForging = false }
    }
}
