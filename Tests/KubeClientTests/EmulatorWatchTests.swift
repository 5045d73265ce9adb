import Foundation
import ForgeCore
import KubeClient
import Logging
import Testing
import TestSupport

/// Watch streams and the informer: concurrency, cancellation, cuts, 410 Gone.
@Suite(.serialized) struct EmulatorWatchTests {
    let logger = Logger(label: "test.informer")

    /// Watches hold their transfer threads for minutes; GETs must still go through at once.
    @Test func longWatchesDoNotBlockConcurrentRequests() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        _ = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("probe"))
        let seen = Locked(0)
        var watches: [Task<Void, Never>] = []
        for _ in 0..<3 {
            watches.append(Task {
                do {
                    for try await _ in client.watch(.leases, namespace: Fixture.namespace, options: WatchOptions(), as: Lease.self) {
                        seen.withLock { $0 += 1 }
                    }
                } catch {}
            })
        }
        defer { watches.forEach { $0.cancel() } }
        try await eventually(timeout: .seconds(5), "all watches delivered the initial ADDED") { seen.current >= 3 }
        let start = ContinuousClock.now
        let names = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask { try await client.get(.leases, namespace: Fixture.namespace, name: "probe", as: Lease.self).metadata.name }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(names.count == 8 && names.allSatisfy { $0 == "probe" })
        // Held up, they would wait for the open-ended watches; the bound has slack for load.
        #expect(Fixture.elapsed(since: start) < 8, "GETs were not held up by the watches")
    }

    @Test func cancellingAWatchStopsItPromptly() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        let started = Locked(false)
        let task = Task {
            do {
                for try await event in client.watch(.leases, namespace: Fixture.namespace, options: WatchOptions(), as: Lease.self) {
                    if case .bookmark = event { started.withLock { $0 = true } }
                }
            } catch {}
        }
        try await eventually(timeout: .seconds(5), "the watch is streaming (a bookmark arrived)") { started.current }
        let start = ContinuousClock.now
        task.cancel()
        await task.value
        #expect(Fixture.elapsed(since: start) < 0.5, "cancellation aborts the idle transfer at once")
    }

    /// A silent stream (no events, no bookmarks) is declared dead after the idle timeout,
    /// which the progress callback tracks; there is no total timeout on watches.
    @Test func silentWatchHitsTheIdleTimeout() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        var options = Fixture.fast
        options.watchIdleTimeout = .seconds(1)
        options.requestTimeout = .milliseconds(300)  // must not apply to the stream
        let client = try emulator.client(options: options)
        let start = ContinuousClock.now
        var failure: Error?
        do {
            for try await _ in client.watch(.leases, namespace: Fixture.namespace, options: WatchOptions(allowWatchBookmarks: false), as: Lease.self) {}
        } catch {
            failure = error
        }
        let elapsed = Fixture.elapsed(since: start)
        guard case .timeout? = failure as? KubeClientError else {
            Issue.record("expected an idle timeout, got \(String(describing: failure))")
            return
        }
        // >= 0.9 s: the 300 ms request timeout did not apply; the upper bound is slack for load.
        #expect(elapsed >= 0.9 && elapsed < 5, "idle timeout after \(elapsed) s")
    }

    /// Cut every watch repeatedly while 50 objects are created: the informer resumes from its
    /// last resourceVersion each time, so it sees every object exactly once and never relists.
    @Test func informerResumesAfterCutsWithoutLossOrDuplicates() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        for i in 0..<7 { _ = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("pre-\(i)")) }
        // A page size of 3 makes the initial list take three pages (limit/continue).
        let informer = Informer<Lease>(client: client, type: .leases, namespace: Fixture.namespace, logger: logger, pageSize: 3)
        let recorder = InformerRecorder<Lease>()
        let run = recorder.start(informer)
        defer { run.cancel() }
        try await eventually(timeout: .seconds(5), "initial sync") { recorder.syncs.count == 1 }
        #expect(recorder.syncs[0].count == 7)
        let paged = try await Fixture.logged(emulator, "GET", pathSuffix: "/leases").filter { $0.query.contains("continue=") }
        #expect(paged.count == 2, "the initial list followed two continue tokens")

        // Five rounds: create 10 objects, wait until the live stream delivered the last one,
        // cut it; the next round's objects are created while the informer reconnects.
        for round in 0..<5 {
            for i in (round * 10)..<(round * 10 + 10) {
                _ = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("obj-\(i)"))
            }
            let last = "obj-\(round * 10 + 9)"
            try await eventually(timeout: .seconds(10), "\(last) observed") {
                recorder.upserted.contains { $0.metadata.name == last }
            }
            try await emulator.cutWatches()
        }
        try await eventually(timeout: .seconds(10), "all 50 creations observed") {
            Set(recorder.upserted.compactMap(\.metadata.name)).count == 50
        }
        let names = recorder.upserted.compactMap(\.metadata.name)
        #expect(names.count == 50, "no duplicates: \(names.count) upserts")
        #expect(names == (0..<50).map { "obj-\($0)" }, "in creation order")
        #expect(recorder.syncs.count == 1, "a cut is resumed, not relisted")
        // The emulator logs a watch when it ends: each cut ended one.
        try await eventually(timeout: .seconds(5), "five cut watches logged") {
            try await Fixture.logged(emulator, "GET", pathSuffix: "/leases").filter { $0.query.contains("watch=1") }.count >= 5
        }
    }

    /// The informer's reconnect is held at the server while history is compacted past its
    /// version: the server answers 410 and the informer relists.
    @Test func goneTriggersRelist() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        _ = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("a"))
        let informer = Informer<Lease>(client: client, type: .leases, namespace: Fixture.namespace, logger: logger)
        let recorder = InformerRecorder<Lease>()
        let run = recorder.start(informer)
        defer { run.cancel() }
        try await eventually(timeout: .seconds(5), "initial sync") { recorder.syncs.count == 1 }

        _ = try await emulator.addFault(FaultRule(method: "GET", pathRegex: "leases\\?.*watch=1", delaySeconds: 1.5, times: 1))
        try await emulator.cutWatches()
        _ = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("b"))
        try await emulator.compactHistory()

        try await eventually(timeout: .seconds(10), "relist after 410") { recorder.syncs.count == 2 }
        #expect(Set(recorder.syncs[1].compactMap(\.metadata.name)) == ["a", "b"])
        // And the informer keeps working after the relist.
        _ = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("c"))
        try await eventually(timeout: .seconds(5), "watch resumed after relist") {
            recorder.upserted.contains { $0.metadata.name == "c" }
        }
    }

    @Test func rawWatchFromCompactedVersionReportsGone() async throws {
        let emulator = try await Emulator.start()
        defer { emulator.stop() }
        let client = try emulator.client(options: Fixture.fast)
        let first = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("x"))
        _ = try await client.create(.leases, namespace: Fixture.namespace, Fixture.lease("y"))
        try await emulator.compactHistory()
        var gone: KubeAPIError?
        do {
            let options = WatchOptions(resourceVersion: first.metadata.resourceVersion)
            for try await event in client.watch(.leases, namespace: Fixture.namespace, options: options, as: Lease.self) {
                if case .error(let error) = event { gone = error; break }
            }
        } catch let error as KubeAPIError {
            gone = error
        }
        #expect(gone?.isGone == true, "\(String(describing: gone))")
    }
}
