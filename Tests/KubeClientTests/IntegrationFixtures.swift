import Foundation
import ForgeCore
import KubeClient
import TestSupport

/// Small helpers shared by the emulator-backed suites.
enum Fixture {
    static let namespace = "default"

    static func lease(_ name: String, holder: String? = nil, labels: [String: String]? = nil) -> Lease {
        Lease(metadata: ObjectMeta(name: name, namespace: namespace, labels: labels),
              spec: LeaseSpec(holderIdentity: holder, leaseDurationSeconds: 15))
    }

    /// Options that keep the client's own pacing out of tests that are not about it.
    static let fast = KubeClientOptions(qps: 500, burst: 500, connectTimeout: .seconds(2), requestTimeout: .seconds(10))

    /// Requests of `method` whose path ends with `suffix`, from the emulator's log.
    static func logged(_ emulator: Emulator, _ method: String, pathSuffix suffix: String, since: Int = 0) async throws -> [LoggedRequest] {
        try await emulator.requestLog(since: since).filter { $0.method == method && $0.path.hasSuffix(suffix) }
    }

    /// A loopback port nothing listens on (bound, then closed).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw KubeClientError.transport("cannot bind a probe socket") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func elapsed(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).seconds
    }
}

/// Collects an informer's events from its consumer task.
final class InformerRecorder<T: KubeObject>: @unchecked Sendable {
    private let events = Locked<[InformerEvent<T>]>([])

    func record(_ event: InformerEvent<T>) { events.withLock { $0.append(event) } }

    var all: [InformerEvent<T>] { events.current }

    var syncs: [[T]] {
        all.compactMap { if case .synced(let items) = $0 { return items } else { return nil } }
    }

    var upserted: [T] {
        all.compactMap { if case .upserted(let item) = $0 { return item } else { return nil } }
    }

    /// Starts `informer.run()` and a consumer; cancel the returned task to stop both.
    func start(_ informer: Informer<T>) -> Task<Void, Never> {
        let consumer = Task { for await event in informer.events { self.record(event) } }
        return Task {
            await withTaskCancellationHandler {
                await informer.run()
            } onCancel: {
                consumer.cancel()
            }
        }
    }
}
