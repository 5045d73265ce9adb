/// Deduplication and rate limiting of Kubernetes Events (events.k8s.io/v1), the way
/// client-go's recorder does it, as a pure state machine (the caller passes the time):
///
/// - **One writer per object**: the key includes the object; a recorder is one process.
/// - **Series**: an event equal to one recorded within `seriesWindow` (same object, type,
///   reason, action and note) does not create a new Event; it raises the series count, sent
///   as a patch of `series.count`/`series.lastObservedTime`: the first repeat at once, later
///   ones at most every `flushInterval`.
/// - **Rate limit per object**: creating an Event takes a token from the object's bucket
///   (`burst` tokens, one more every `refillEvery`, client-go's spam filter: 25 and 5 min), so
///   a flapping pod cannot flood the API server; dropped events are counted.
public struct EventCorrelator: Sendable {
    public struct Config: Sendable, Equatable {
        public var seriesWindow: Duration
        public var flushInterval: Duration
        public var burst: Int
        public var refillEvery: Duration

        public init(seriesWindow: Duration = .seconds(360), flushInterval: Duration = .seconds(30),
                    burst: Int = 25, refillEvery: Duration = .seconds(300)) {
            self.seriesWindow = seriesWindow; self.flushInterval = flushInterval
            self.burst = burst; self.refillEvery = refillEvery
        }
    }

    /// What makes two events "the same" (client-go's isomorphic events).
    public struct Key: Hashable, Sendable {
        public var object: String
        public var type: String
        public var reason: String
        public var action: String
        public var note: String

        public init(object: String, type: String, reason: String, action: String, note: String) {
            self.object = object; self.type = type; self.reason = reason; self.action = action; self.note = note
        }
    }

    public enum Decision: Equatable, Sendable {
        /// Create a new Event; report its name back with `created(_:name:)`.
        case create(Key)
        /// Patch the series of the Event `name`.
        case patchSeries(name: String, count: Int, key: Key)
        /// A repeat, counted; a later `flush` sends it.
        case counted
        /// Over the object's rate limit: not sent.
        case dropped
    }

    struct Series {
        var name: String?
        var count: Int
        var sentCount: Int
        var lastSeen: MonotonicInstant
        var lastSent: MonotonicInstant
    }

    struct Bucket {
        var tokens: Double
        var updated: MonotonicInstant
    }

    public let config: Config
    private var series: [Key: Series] = [:]
    private var buckets: [String: Bucket] = [:]
    public private(set) var droppedCount = 0

    public init(config: Config = Config()) {
        self.config = config
    }

    public mutating func record(_ key: Key, now: MonotonicInstant) -> Decision {
        if var entry = series[key], now.duration(since: entry.lastSeen) < config.seriesWindow {
            entry.count += 1
            entry.lastSeen = now
            defer { series[key] = entry }
            // The first repeat starts the series at once (as client-go does), so `kubectl
            // describe` shows "x2" right away; later repeats at most every flush interval.
            let startsSeries = entry.sentCount == 1
            guard let name = entry.name, startsSeries || now.duration(since: entry.lastSent) >= config.flushInterval else {
                return .counted
            }
            entry.sentCount = entry.count
            entry.lastSent = now
            return .patchSeries(name: name, count: entry.count, key: key)
        }
        guard takeToken(object: key.object, now: now) else {
            droppedCount += 1
            return .dropped
        }
        series[key] = Series(name: nil, count: 1, sentCount: 1, lastSeen: now, lastSent: now)
        return .create(key)
    }

    /// The Event created for `key` is called `name` (series patches go to it). A failed
    /// create is reported with `name: nil`: the next occurrence creates again.
    public mutating func created(_ key: Key, name: String?) {
        guard let name else {
            series.removeValue(forKey: key)
            return
        }
        series[key]?.name = name
    }

    /// Series with unsent repeats whose flush interval has passed; forgets series that ended.
    public mutating func flush(now: MonotonicInstant) -> [Decision] {
        var due: [Decision] = []
        for (key, entry) in series {
            if now.duration(since: entry.lastSeen) >= config.seriesWindow, entry.count == entry.sentCount {
                series.removeValue(forKey: key)
                continue
            }
            guard let name = entry.name, entry.count > entry.sentCount,
                  now.duration(since: entry.lastSent) >= config.flushInterval else { continue }
            series[key]?.sentCount = entry.count
            series[key]?.lastSent = now
            due.append(.patchSeries(name: name, count: entry.count, key: key))
        }
        for (object, bucket) in buckets where bucket.tokens >= Double(config.burst)
            && now.duration(since: bucket.updated) >= config.refillEvery {
            buckets.removeValue(forKey: object)
        }
        return due.sorted { "\($0)" < "\($1)" }
    }

    private mutating func takeToken(object: String, now: MonotonicInstant) -> Bool {
        var bucket = buckets[object] ?? Bucket(tokens: Double(config.burst), updated: now)
        let refill = now.duration(since: bucket.updated) / config.refillEvery
        bucket.tokens = min(Double(config.burst), bucket.tokens + refill)
        bucket.updated = now
        defer { buckets[object] = bucket }
        guard bucket.tokens >= 1 else { return false }
        bucket.tokens -= 1
        return true
    }
}
