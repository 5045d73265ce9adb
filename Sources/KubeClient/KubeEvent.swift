import ForgeCore
import FoundationEssentials

/// The object an Event is about (events.k8s.io/v1 `regarding`).
public struct EventObjectReference: Codable, Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var namespace: String?
    public var name: String
    public var uid: String?

    public init(apiVersion: String, kind: String, namespace: String?, name: String, uid: String?) {
        self.apiVersion = apiVersion; self.kind = kind; self.namespace = namespace; self.name = name; self.uid = uid
    }

    /// A key that changes when the object is recreated (new uid), so a new object starts
    /// with a fresh rate-limit bucket, as client-go's spam filter keys by uid.
    var correlationKey: String { "\(kind)/\(namespace ?? "")/\(name)/\(uid ?? "")" }
}

public enum EventType: String, Codable, Sendable {
    case normal = "Normal"
    case warning = "Warning"
}

/// An events.k8s.io/v1 Event as this project writes it.
struct KubeEvent: Codable, Sendable {
    struct Metadata: Codable, Sendable {
        var name: String
        var namespace: String
    }

    struct Series: Codable, Sendable {
        var count: Int
        var lastObservedTime: String
    }

    var apiVersion = "events.k8s.io/v1"
    var kind = "Event"
    var metadata: Metadata
    var eventTime: String
    var reportingController: String
    var reportingInstance: String
    var action: String
    var reason: String
    var type: String
    var note: String
    var regarding: EventObjectReference
    var series: Series?

    /// MicroTime as the API server parses it: RFC 3339 with exactly six fraction digits, UTC.
    static func microTime(_ date: Date) -> String {
        let millis = ForgeReport.timestamp(date)  // 2026-12-04T05:00:00.123Z
        guard millis.hasSuffix("Z"), let dot = millis.lastIndex(of: ".") else { return millis }
        let fraction = millis[millis.index(after: dot)..<millis.index(before: millis.endIndex)]
        return String(millis[..<dot]) + "." + fraction + String(repeating: "0", count: max(0, 6 - fraction.count)) + "Z"
    }
}
