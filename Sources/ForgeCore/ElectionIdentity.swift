/// A reporter's identity in the pool's Lease: `<pod name>_<pod UID>`. The pod name alone is
/// not enough: a StatefulSet recreates a pod under the same name, and an elector that finds
/// its own identity in the Lease renews it at once, without waiting for it to expire, while
/// the old incarnation may still be forging. With the UID the new pod is someone else and waits
/// like any standby. A container restart keeps the UID (and the pod's fence file).
///
/// Pod names are DNS-1123 subdomains and never contain `_`, so the pod name is recovered
/// exactly; reports and everything that compares the holder with pod names use the name.
public enum ElectionIdentity {
    public static let separator: Character = "_"

    /// `podName_podUID`, or the pod name alone when no UID is known.
    public static func make(podName: String, podUID: String?) -> String {
        guard let podUID, !podUID.isEmpty else { return podName }
        return "\(podName)\(separator)\(podUID)"
    }

    /// The pod name in a Lease holder identity (the identity itself when it has no UID).
    public static func podName(of identity: String) -> String {
        guard let cut = identity.firstIndex(of: separator) else { return identity }
        return String(identity[..<cut])
    }
}
