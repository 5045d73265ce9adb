import ForgeCore
import Foundation
import Testing

/// The region's credentials judgement (status.credentials, CredentialsReady) and its effect on
/// the cross-region decision (CredentialsNotUsable).
@Suite("Region credentials")
struct RegionCredentialsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func inspection(_ verdict: CredentialVerdict = .usable, counter: UInt64 = 5, sha: String = "aa", days: Double? = 40,
                    reason: String? = nil) -> CredentialInspection {
        var result = CredentialInspection(verdict: verdict, reason: reason, message: reason.map { "because \($0)" })
        result.issueCounter = counter
        result.opcertSHA256 = sha
        result.kesStartPeriod = 800
        result.kesEndPeriod = 862
        result.kesPeriodsRemaining = 30
        result.kesExpiresAt = days.map { RFC3339.format(now.addingTimeInterval($0 * 86_400 + 60)) }
        result.poolIdMatches = true
        return result
    }

    func pod(_ name: String, _ inspection: CredentialInspection) -> RegionCredentialsJudge.Pod { .init(name: name, inspection: inspection) }

    func peer(_ name: String, counter: UInt64, sha: String = "aa", usable: Bool = true, age: Duration = .zero) -> PeerRegion {
        var status = CardanoForgeClusterStatus()
        var summary = CardanoForgeClusterStatus.CredentialsSummary()
        summary.issueCounter = counter
        summary.opcertSHA256 = sha
        summary.usable = usable
        status.credentials = summary
        return PeerRegion(name: name, creationTimestamp: nil, spec: nil, status: status, heartbeatAge: age)
    }

    func judge(_ pods: [RegionCredentialsJudge.Pod], peers: [PeerRegion] = []) -> RegionCredentialsJudge.Judgement {
        RegionCredentialsJudge.judge(pods: pods, peers: peers, peerTimeout: .seconds(60), now: now)
    }

    @Test("agreeing usable pods: True/Usable, summary filled, days left on our clock")
    func usable() {
        let j = judge([pod("p-0", inspection()), pod("p-1", inspection())])
        #expect(j.notUsable == nil)
        #expect(j.condition.type == "CredentialsReady" && j.condition.status == "True" && j.condition.reason == "Usable")
        #expect(j.summary?.kesDaysLeft == 40 && j.summary?.issueCounter == 5 && j.summary?.opcertSHA256 == "aa")
        #expect(j.summary?.consistent == true && j.summary?.podsConsistent == true && j.summary?.peersConsistent == nil)
        #expect(j.summary?.usable == true && j.summary?.inspectedPods == 2 && j.summary?.verdict == "usable")
    }

    @Test("fewer than 14 days: KESExpiringSoon, still usable")
    func expiringSoon() {
        let j = judge([pod("p-0", inspection(days: 13))])
        #expect(j.condition.status == "True" && j.condition.reason == "KESExpiringSoon" && j.notUsable == nil)
        #expect(judge([pod("p-0", inspection(days: 14))]).condition.reason == "Usable")
    }

    @Test("every pod cannot forge: region not usable, with the pods' reason", arguments: ["KESExpired", "WrongPool", "Unreadable", "KESKeyMismatch"])
    func cannotForge(reason: String) {
        let j = judge([pod("p-0", inspection(.cannotForge, reason: reason)), pod("p-1", inspection(.cannotForge, reason: reason))])
        #expect(j.notUsable?.contains("because \(reason)") == true)
        #expect(j.condition.status == "False" && j.condition.reason == reason)
        #expect(j.summary?.usable == false && j.summary?.verdict == "cannotForge")
    }

    @Test("one pod cannot forge, another can: the region stays usable but not Ready")
    func onePodBroken() {
        let j = judge([pod("p-0", inspection(.cannotForge, reason: "Unreadable")), pod("p-1", inspection())])
        #expect(j.notUsable == nil && j.summary?.usable == true)
        #expect(j.condition.status == "False" && j.condition.reason == "Unreadable" && j.condition.message?.hasPrefix("p-0") == true)
    }

    @Test("pods with different counters or certificates")
    func podsDiffer() {
        let counters = judge([pod("p-0", inspection(counter: 5, sha: "aa")), pod("p-1", inspection(counter: 6, sha: "bb"))])
        #expect(counters.condition.reason == "CountersDiffer" && counters.notUsable == nil)
        #expect(counters.summary?.issueCounter == 6 && counters.summary?.consistent == false)
        let certs = judge([pod("p-0", inspection(sha: "aa")), pod("p-1", inspection(sha: "bb"))])
        #expect(certs.condition.reason == "CertificatesDiffer" && certs.summary?.podsConsistent == false)
    }

    @Test("a live usable peer with a higher counter makes us not usable; stale or unusable peers do not")
    func peerCounters() {
        let lower = judge([pod("p-0", inspection(counter: 5))], peers: [peer("west", counter: 6, sha: "bb")])
        #expect(lower.notUsable?.contains("west (6)") == true && lower.condition.reason == "CountersDiffer")
        #expect(lower.summary?.peersConsistent == false && lower.summary?.consistent == false && lower.summary?.usable == false)
        let stale = judge([pod("p-0", inspection(counter: 5))], peers: [peer("west", counter: 6, age: .seconds(61))])
        #expect(stale.notUsable == nil && stale.summary?.peersConsistent == nil)
        let unusable = judge([pod("p-0", inspection(counter: 5))], peers: [peer("west", counter: 6, sha: "bb", usable: false)])
        #expect(unusable.notUsable == nil && unusable.condition.reason == "CertificatesDiffer")
        let higher = judge([pod("p-0", inspection(counter: 7, sha: "cc"))], peers: [peer("west", counter: 6, sha: "bb")])
        #expect(higher.notUsable == nil && higher.condition.reason == "CertificatesDiffer")
        let same = judge([pod("p-0", inspection())], peers: [peer("west", counter: 5)])
        #expect(same.summary?.consistent == true && same.summary?.peersConsistent == true && same.condition.reason == "Usable")
    }

    @Test("unknown window: Unknown, blocks nothing; no inspections: NotReported")
    func unknowns() {
        let j = judge([pod("p-0", inspection(.unknown, days: nil, reason: "SlotUnknown"))])
        #expect(j.condition.status == "Unknown" && j.condition.reason == "SlotUnknown" && j.notUsable == nil)
        #expect(j.summary?.kesDaysLeft == nil && j.summary?.usable == true)
        let none = judge([])
        #expect(none.summary == nil && none.condition.status == "Unknown" && none.condition.reason == "NotReported")
    }

    @Test("apply: status.credentials and the condition, transition time kept while the status holds")
    func apply() {
        var status = CardanoForgeClusterStatus()
        status.conditions = [StatusCondition(type: "Ready", status: "True")]
        var previous = CardanoForgeClusterStatus()
        previous.conditions = [StatusCondition(type: "CredentialsReady", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z")]
        RegionCredentialsJudge.apply(judge([pod("p-0", inspection())]), to: &status, previous: previous, now: now)
        #expect(status.credentials?.issueCounter == 5)
        #expect(status.conditions?.map(\.type) == ["Ready", "CredentialsReady"])
        #expect(status.conditions?.last?.lastTransitionTime == "2026-01-01T00:00:00Z")
    }

    @Test("CredentialsNotUsable: our region is not a candidate; a peer publishing usable: false is not either")
    func decision() {
        let effective = EffectiveState.compute(spec: CardanoForgeClusterSpec(priority: 10), healthy: true, now: now)
        let refused = ForgeDecider.decide(ForgeDecisionInput(
            name: "east", creationTimestamp: nil, effective: effective, currentlyEnabled: true, peers: [],
            peerTimeout: .seconds(60), settle: .seconds(5), candidateFor: nil, credentialsProblem: "KES expired"))
        #expect(!refused.forgingEnabled && !refused.candidate && refused.reason == "CredentialsNotUsable")
        #expect(refused.message.contains("KES expired") && refused.best == nil)

        var peerStatus = CardanoForgeClusterStatus()
        peerStatus.forgingEnabled = false
        peerStatus.heartbeat = 3
        peerStatus.effectivePriority = 1
        var summary = CardanoForgeClusterStatus.CredentialsSummary()
        summary.usable = false
        peerStatus.credentials = summary
        let better = PeerRegion(name: "west", creationTimestamp: nil, spec: nil, status: peerStatus, heartbeatAge: .zero)
        let ours = ForgeDecider.decide(ForgeDecisionInput(
            name: "east", creationTimestamp: nil, effective: effective, currentlyEnabled: true, peers: [better],
            peerTimeout: .seconds(60), settle: .seconds(5), candidateFor: nil))
        #expect(ours.forgingEnabled && ours.best == "east")
        summary.usable = true
        peerStatus.credentials = summary
        let outranked = ForgeDecider.decide(ForgeDecisionInput(
            name: "east", creationTimestamp: nil, effective: effective, currentlyEnabled: true,
            peers: [PeerRegion(name: "west", creationTimestamp: nil, spec: nil, status: peerStatus, heartbeatAge: .zero)],
            peerTimeout: .seconds(60), settle: .seconds(5), candidateFor: nil))
        #expect(!outranked.forgingEnabled && outranked.reason == "NotBestRanked")
    }
}
