extension PodForgeMachine {
    /// The outcome of the action `nextAction` returned.
    public mutating func record(_ outcome: PodActionOutcome, of action: PodAction, now: MonotonicInstant) {
        if case .failed(let why) = outcome { problem = "\(Self.describe(action)): \(why)" }
        switch action {
        case .writeFence(let intent):
            if outcome == .done { fence = intent; clearProblem(of: action) }
        case .provisionBootKeys:
            if outcome == .done { observation.keys = .present; keysForForging = false; clearProblem(of: action) }
        case .installKeys:
            if outcome == .done {
                observation.keys = .present
                keysForForging = true
                clearProblem(of: action)
            } else {
                // Sources are read before any target is touched; whatever did change is found on
                // the next look and cleaned up from standby. Trying again costs no signal.
                keysForForging = false
                state = nodeUp ? .standby : .booting
            }
        case .removeKeys:
            if outcome == .done { observation.keys = .absent; keysForForging = false; clearProblem(of: action) }
        case .signal(let process, let signal, _):
            recordSignal(outcome, to: process, signal, now)
        case .lookAgain:
            break
        case .joinElection:
            joined = true
        case .leaveElection:
            joined = false
            isLeader = false
            leaseDeadline = nil
        case .confirmDisable:
            if case .confirmed(let verdict) = outcome { confirmation = verdict } else { confirmation = false }
        }
    }

    private mutating func recordSignal(_ outcome: PodActionOutcome, to process: NodeProcessID,
                                       _ signal: NodeSignal, _ now: MonotonicInstant) {
        switch state {
        case .installing(let node) where node == process:
            switch outcome {
            case .done: state = .forging(node); clearProblem(of: .signal(process, signal, reason: ""))
            case .processGone: keysForForging = false; state = nodeUp ? .standby : .booting
            default: break   // retried on the next pass; forging is not claimed meanwhile
            }
        case .disabling(var disable) where disable.target == process:
            switch outcome {
            case .done where signal == .hangUp:
                problem = nil
                completeDisable(delivered: process)
            case .done:
                disable.stopSent = true
                state = .disabling(disable)
            case .processGone:
                completeDisable(delivered: nil)
            default:
                disable.lastFailure = problem
                state = .disabling(disable)
            }
        default:
            break
        }
    }

    private mutating func clearProblem(of action: PodAction) {
        if let problem, problem.hasPrefix(Self.describe(action)) { self.problem = nil }
    }

    static func describe(_ action: PodAction) -> String {
        switch action {
        case .writeFence: return "cannot write the fence file"
        case .provisionBootKeys: return "cannot provision keys"
        case .installKeys: return "cannot install keys"
        case .removeKeys: return "cannot remove keys"
        case .signal(_, let signal, _): return "cannot send \(signal.rawValue) to cardano-node"
        case .lookAgain: return "cannot read the process table"
        case .joinElection: return "cannot join the election"
        case .leaveElection: return "cannot leave the election"
        case .confirmDisable: return "cannot confirm the disable"
        }
    }
}
