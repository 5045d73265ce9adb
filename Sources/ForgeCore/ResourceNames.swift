import FoundationEssentials

/// Names of the per-pool Kubernetes objects, derived the same way by the reporter, the
/// aggregator and the chart (ARCHITECTURE.md §8), so two pools in one namespace never share a
/// Lease or a CardanoForgeCluster.
///
/// Every derived name is a DNS-1123 label: lower case, `[a-z0-9-]`, starting and ending with an
/// alphanumeric, at most 63 characters.
public enum ResourceNames {
    /// The Lease name used when no network/pool is configured (the predecessor's default).
    public static let legacyLeaseName = "cardano-node-leader"
    public static let maximumLabelLength = 63

    /// The short pool id used in names: bech32 ids (`pool1...`) keep 10 characters, so the
    /// human-readable prefix does not eat the distinguishing part; anything else keeps 8.
    public static func poolShort(_ poolId: String) -> String {
        let trimmed = poolId.trimmingBlanks()
        return String(trimmed.prefix(trimmed.lowercased().hasPrefix("pool1") ? 10 : 8))
    }

    /// `cardano-leader-{network}-{poolShort}`, or `cardano-node-leader` when either is missing.
    public static func leaseName(network: String?, poolId: String?) -> String {
        guard let network = nonEmpty(network), let poolId = nonEmpty(poolId) else {
            return legacyLeaseName
        }
        return dnsLabel("cardano-leader-\(network)-\(poolShort(poolId))")
    }

    /// `{network}-{poolShort}-{region}`, or nil when any part is missing.
    public static func clusterName(network: String?, poolId: String?, region: String?) -> String? {
        guard let network = nonEmpty(network), let poolId = nonEmpty(poolId),
              let region = nonEmpty(region) else { return nil }
        return dnsLabel("\(network)-\(poolShort(poolId))-\(region)")
    }

    /// Lower-cases `raw`, turns every character outside `[a-z0-9-]` into `-`, collapses runs of
    /// `-`, trims `-` at both ends and truncates to 63 characters. Returns "x" for input that
    /// has no usable character, so the result is always a valid label.
    public static func dnsLabel(_ raw: String) -> String {
        var out: [Character] = []
        for scalar in raw.lowercased().unicodeScalars {
            let isAlnum = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
            let c: Character = isAlnum ? Character(scalar) : "-"
            if c == "-", out.last == "-" { continue }
            out.append(c)
        }
        var label = String(out).trimming(where: { $0 == "-" })
        if label.count > maximumLabelLength {
            label = String(label.prefix(maximumLabelLength))
            label = label.trimming(where: { $0 == "-" })
        }
        return label.isEmpty ? "x" : label
    }

    /// Whether `name` already is a DNS-1123 label.
    public static func isDNSLabel(_ name: String) -> Bool {
        !name.isEmpty && name.count <= maximumLabelLength && dnsLabel(name) == name
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value = value?.trimmingBlanks(), !value.isEmpty else { return nil }
        return value
    }
}
