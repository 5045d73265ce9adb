import FoundationEssentials

/// Another region of the same pool, as this aggregator sees it.
public struct PeerRegion: Equatable, Sendable {
    public var name: String
    public var creationTimestamp: String?
    public var spec: CardanoForgeClusterSpec?
    public var status: CardanoForgeClusterStatus?
    /// Time since this aggregator last saw the peer's `status.heartbeat` change (or first saw
    /// the peer), on our own monotonic clock. The peer's timestamps are never used.
    public var heartbeatAge: Duration

    public init(name: String, creationTimestamp: String?, spec: CardanoForgeClusterSpec?,
                status: CardanoForgeClusterStatus?, heartbeatAge: Duration) {
        self.name = name; self.creationTimestamp = creationTimestamp; self.spec = spec
        self.status = status; self.heartbeatAge = heartbeatAge
    }
}

/// Everything the cross-region decision for one of our CardanoForgeClusters depends on.
public struct ForgeDecisionInput: Equatable, Sendable {
    public var name: String
    public var creationTimestamp: String?
    public var effective: EffectiveState
    /// What our status says now (the last value written or observed).
    public var currentlyEnabled: Bool
    public var peers: [PeerRegion]
    /// A peer whose heartbeat has not changed for longer than this is considered gone. Must
    /// exceed the time a forging region's reporters take to fence once their status stops.
    public var peerTimeout: Duration
    /// How long we must have been the undisputed candidate before turning forging on while
    /// live peers exist: covers the delay before a peer sees our latest status.
    public var settle: Duration
    /// How long the candidate condition has held continuously (nil: not a candidate before).
    public var candidateFor: Duration?
    /// Our `spec.region`: a peer claiming it too makes the regions ambiguous (`ConflictingRegion`).
    public var region: String?
    /// Why this region's credentials cannot forge (`RegionCredentialsJudge`); nil: no objection.
    public var credentialsProblem: String?

    public init(name: String, creationTimestamp: String?, effective: EffectiveState, currentlyEnabled: Bool,
                peers: [PeerRegion], peerTimeout: Duration, settle: Duration, candidateFor: Duration?,
                region: String? = nil, credentialsProblem: String? = nil) {
        self.name = name; self.creationTimestamp = creationTimestamp; self.effective = effective
        self.currentlyEnabled = currentlyEnabled; self.peers = peers; self.peerTimeout = peerTimeout
        self.settle = settle; self.candidateFor = candidateFor; self.region = region
        self.credentialsProblem = credentialsProblem
    }
}

public struct ForgeDecision: Equatable, Sendable {
    /// This region may forge: `status.forgingEnabled`, the reporters' cluster permission.
    public var forgingEnabled: Bool
    /// Every condition except the settle time holds; the caller tracks since when.
    public var candidate: Bool
    /// Short CamelCase reason for `status.reason`.
    public var reason: String
    public var message: String
    /// Name of the best eligible region (ours or a peer's), if any.
    public var best: String?

    public init(forgingEnabled: Bool, candidate: Bool, reason: String, message: String, best: String?) {
        self.forgingEnabled = forgingEnabled; self.candidate = candidate; self.reason = reason
        self.message = message; self.best = best
    }
}

/// The pure cross-region decision (ARCHITECTURE.md §7). Under doubt, nobody forges.
///
/// A region may forge when it is eligible, ranks best among the eligible live regions (lowest
/// effective priority, then older creationTimestamp, then name), and every *other* live region
/// shows `forgingEnabled: false` with no fresh pod still reporting forging. "Every other", not
/// only the better-ranked ones: a region that ranks worse now may have ranked better a moment
/// ago and still be forging. A peer is ignored once its heartbeat has been stale for longer
/// than the peer timeout. While live peers exist, forging is only turned on after the candidate
/// condition has held for `settle`, so two regions whose views of each other lag cannot both
/// turn on.
public enum ForgeDecider {
    struct Candidate {
        var name: String
        var priority: Int
        var creation: Date?
    }

    public static func decide(_ input: ForgeDecisionInput) -> ForgeDecision {
        let effective = input.effective
        var live: [PeerRegion] = []
        var gone: [String] = []
        for peer in input.peers {
            if peer.heartbeatAge > input.peerTimeout { gone.append(peer.name) } else { live.append(peer) }
        }
        var candidates: [Candidate] = []
        if effective.eligible && input.credentialsProblem == nil {
            candidates.append(Candidate(name: input.name, priority: effective.priority,
                                        creation: input.creationTimestamp.flatMap(RFC3339.parse)))
        }
        for peer in live {
            if let candidate = peerCandidate(peer) { candidates.append(candidate) }
        }
        let best = candidates.min(by: ranksBefore)
        let goneNote = gone.isEmpty ? "" : "; ignoring peers with a heartbeat stale beyond the peer timeout: \(gone.sorted().joined(separator: ", "))"

        // Another object (not ours: the caller drops only our own uid) claims our region for
        // this pool. Which of the two speaks for the region is unknowable, and its pods may
        // read either; live or silent, nobody here forges until one is removed.
        let conflicting = input.region.map { region in input.peers.filter { $0.spec?.region == region } } ?? []
        if let region = input.region, !conflicting.isEmpty {
            return ForgeDecision(forgingEnabled: false, candidate: false, reason: "ConflictingRegion",
                                 message: "CardanoForgeCluster \(conflicting.map(\.name).sorted().joined(separator: ", ")) also claims region \(region) for this pool; nobody in this region forges until only one remains",
                                 best: best?.name)
        }

        guard effective.eligible else {
            let why: (String, String)
            switch effective.state {
            case .disabled: why = ("Disabled", "forgeState is Disabled: nobody in this region forges")
            case .unknown(let raw): why = ("InvalidForgeState", "unknown forgeState \"\(raw)\": nobody in this region forges")
            default: why = ("Unhealthy", "health check failing: region not eligible (effective priority \(effective.priority))")
            }
            return ForgeDecision(forgingEnabled: false, candidate: false, reason: why.0,
                                 message: why.1 + goneNote, best: best?.name)
        }
        if let problem = input.credentialsProblem {
            // Fail-safe (docs/SAFETY.md): credentials the chain would reject make a region
            // ineligible; if that leaves no region, nobody forges, as the chain would have it.
            return ForgeDecision(forgingEnabled: false, candidate: false, reason: "CredentialsNotUsable",
                                 message: "credentials not usable: \(problem)" + goneNote, best: best?.name)
        }
        if let best, best.name != input.name {
            return ForgeDecision(forgingEnabled: false, candidate: false, reason: "NotBestRanked",
                                 message: "region \(best.name) ranks better (priority \(best.priority))" + goneNote,
                                 best: best.name)
        }
        let blockers = live.compactMap(blockReason).sorted()
        if !blockers.isEmpty {
            return ForgeDecision(forgingEnabled: false, candidate: false, reason: "WaitingForPeers",
                                 message: "best ranked, waiting for " + blockers.joined(separator: "; ") + goneNote,
                                 best: input.name)
        }
        if !live.isEmpty, !input.currentlyEnabled, (input.candidateFor ?? .zero) < input.settle {
            return ForgeDecision(forgingEnabled: false, candidate: true, reason: "Settling",
                                 message: "best ranked and every peer shows forgingEnabled: false; turning on after \(KubeDuration.format(input.settle))" + goneNote,
                                 best: input.name)
        }
        return ForgeDecision(forgingEnabled: true, candidate: true, reason: "BestRanked",
                             message: "best ranked eligible region (priority \(effective.priority))" + goneNote,
                             best: input.name)
    }

    /// A live peer as a ranking candidate, judged by what its own aggregator published (it
    /// alone knows its health); nil when not eligible.
    static func peerCandidate(_ peer: PeerRegion) -> Candidate? {
        let state = peer.status?.effectiveState.map(ForgeState.init(rawValue:)) ?? peer.spec?.forgeState ?? .priorityBased
        switch state {
        case .disabled, .unknown: return nil
        case .enabled, .priorityBased: break
        }
        if peer.status?.healthStatus?.healthy == false { return nil }
        // A peer whose own aggregator found its credentials unusable does not campaign.
        if peer.status?.credentials?.usable == false { return nil }
        let priority = peer.status?.effectivePriority ?? peer.spec?.priority ?? CardanoForgeClusterSpec.defaultPriority
        return Candidate(name: peer.name, priority: priority, creation: peer.creationTimestamp.flatMap(RFC3339.parse))
    }

    /// Why a live peer stops us from forging, or nil if it clearly does not forge.
    static func blockReason(_ peer: PeerRegion) -> String? {
        guard let status = peer.status, status.heartbeat != nil else {
            return "\(peer.name) (no status heartbeat seen yet)"
        }
        if status.forgingEnabled != false {
            return "\(peer.name) (shows forgingEnabled: \(status.forgingEnabled.map(String.init) ?? "unset"))"
        }
        let forging = (status.reportingPods ?? []).filter { $0.forging == true && $0.fresh == true }
        if !forging.isEmpty {
            return "\(peer.name) (pod \(forging.compactMap(\.podName).joined(separator: ", ")) still reports forging)"
        }
        return nil
    }

    /// Lower effective priority first, then the older creationTimestamp, then the name.
    static func ranksBefore(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        switch (a.creation, b.creation) {
        case let (x?, y?) where x != y: return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a.name < b.name
        }
    }
}
