#if canImport(Glibc)
import Glibc
#endif
import ForgeCore
@testable import ForgeNode
import Testing

@Suite struct FenceFileTests {
    @Test func roundTripsForgingAndNotForgingRecords() throws {
        let dir = TempDirectory("fence")
        defer { dir.remove() }
        let fence = FenceFile(path: dir.file("run/forge/fence"))  // directories created on write
        #expect(fence.read() == .absent)
        let clock = ManualClock()
        let deadline = clock.now().advanced(by: .seconds(10))
        try fence.writeForging(holder: "pod-0", deadline: deadline, clock: clock)
        guard case .record(let record) = fence.read() else {
            Issue.record("expected a record")
            return
        }
        #expect(record.holder == "pod-0")
        #expect(record.deadline == deadline)
        #expect(record.writtenAt == clock.now())
        #expect(record.reporterPID == getpid())
        #expect(record.version == 1)
        let text = try #require(dir.read("run/forge/fence"))
        #expect(text.hasSuffix("}\n") && text.filter { $0 == "\n" }.count == 1)
        #expect(text.contains("\"deadlineNs\":\(deadline.nanoseconds)"))

        try fence.writeNotForging(holder: "pod-0", clock: clock)
        guard case .record(let idle) = fence.read() else {
            Issue.record("expected a record")
            return
        }
        #expect(idle.deadline == nil)
    }

    @Test(arguments: ["garbage", "{\"version\":1}", "{\"version\":2,\"holder\":\"p\",\"writtenAtNs\":1,\"reporterPid\":1}", ""])
    func corruptContentIsReportedNotCrashing(content: String) throws {
        let dir = TempDirectory("fence")
        defer { dir.remove() }
        dir.write("fence", content)
        guard case .corrupt(let reason) = FenceFile(path: dir.file("fence")).read() else {
            Issue.record("expected corrupt for \(content)")
            return
        }
        #expect(reason.contains("fence"))
    }
}
