import ForgeCore
import Testing

@Suite struct ElectionIdentityTests {
    @Test func podNameAndUIDRoundTrip() {
        let identity = ElectionIdentity.make(podName: "bp-us-east-1-0", podUID: "3f2c9e1a-77b0-4c1e-9d2a-0b8f6c1d2e3f")
        #expect(identity == "bp-us-east-1-0_3f2c9e1a-77b0-4c1e-9d2a-0b8f6c1d2e3f")
        #expect(ElectionIdentity.podName(of: identity) == "bp-us-east-1-0")
    }

    @Test func withoutUIDTheIdentityIsThePodName() {
        #expect(ElectionIdentity.make(podName: "bp-0", podUID: nil) == "bp-0")
        #expect(ElectionIdentity.make(podName: "bp-0", podUID: "") == "bp-0")
        #expect(ElectionIdentity.podName(of: "bp-0") == "bp-0")
        // Dotted pod names (DNS subdomains) survive; an identity of another tool is kept whole.
        #expect(ElectionIdentity.podName(of: "bp.a-0_uid") == "bp.a-0")
    }
}
