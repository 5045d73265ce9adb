/// The three files cardano-node needs to forge.
public enum CredentialKind: String, CaseIterable, Sendable, Hashable {
    case kesKey = "kes"
    case vrfKey = "vrf"
    case operationalCertificate = "opcert"

    /// The `file` label of `cardano_credential_operations_total`.
    public var metricLabel: String { rawValue }
}

/// Where each credential comes from (the mounted Secret) and where cardano-node reads it.
public struct CredentialFiles: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        public var source: String
        public var target: String

        public init(source: String, target: String) {
            self.source = source
            self.target = target
        }
    }

    public var kesKey: Pair
    public var vrfKey: Pair
    public var operationalCertificate: Pair

    public init(kesKey: Pair, vrfKey: Pair, operationalCertificate: Pair) {
        self.kesKey = kesKey
        self.vrfKey = vrfKey
        self.operationalCertificate = operationalCertificate
    }

    public subscript(kind: CredentialKind) -> Pair {
        switch kind {
        case .kesKey: return kesKey
        case .vrfKey: return vrfKey
        case .operationalCertificate: return operationalCertificate
        }
    }

    /// The predecessor's defaults (SOURCE_* / TARGET_* environment variables).
    public static let defaults = CredentialFiles(
        kesKey: Pair(source: "/secrets/kes.skey", target: "/opt/cardano/secrets/kes.skey"),
        vrfKey: Pair(source: "/secrets/vrf.skey", target: "/opt/cardano/secrets/vrf.skey"),
        operationalCertificate: Pair(source: "/secrets/node.cert", target: "/opt/cardano/secrets/node.cert"))
}
