@testable import ForgeNode
import Testing

@Suite struct ForgingConfirmationTests {
    @Test func classifiesRealNodeLines() {
        let prefix = "[host:cardano.node.startup:Info:5] [2026-11-25 05:00:00.00 UTC] "
        #expect(ForgingConfirmationWatcher.classify(prefix + "Performing block forging reconfiguration: Enabling block forging. To disable it ...") == .enabled)
        #expect(ForgingConfirmationWatcher.classify(prefix + "Performing block forging reconfiguration: Disabling block forging, to enable it ...") == .disabled)
        #expect(ForgingConfirmationWatcher.classify(prefix + "Performing block forging reconfiguration: Changing block forging is not effective until consensus has started. ") == .notEffective)
        #expect(ForgingConfirmationWatcher.classify(prefix + "Block forging reconfiguration error: FileError") == .error)
        #expect(ForgingConfirmationWatcher.classify(prefix + "Performing topology configuration update") == nil)
    }

    @Test func readsOnlyCompleteLinesAfterTheOffsetAndSurvivesTruncation() throws {
        let dir = TempDirectory("watch")
        defer { dir.remove() }
        let watcher = ForgingConfirmationWatcher(logPath: dir.file("node.log"))
        #expect(watcher.endOffset() == 0)
        #expect(try watcher.events(after: 0).events.isEmpty)  // no log yet
        let enable = "x Performing block forging reconfiguration: Enabling block forging.\n"
        dir.write("node.log", enable + "x Performing block forging reconfiguration: Disabling block")
        let first = try watcher.events(after: 0)
        #expect(first.events == [.enabled])
        #expect(first.nextOffset == UInt64(enable.utf8.count))  // the partial line is not consumed
        dir.write("node.log", enable + "x Performing block forging reconfiguration: Disabling block forging\n")
        #expect(try watcher.events(after: first.nextOffset).events == [.disabled])
        // Rotated: shorter than our offset, read from the start.
        dir.write("node.log", enable)
        #expect(try watcher.events(after: 10_000).events == [.enabled])
    }

    @Test func parsesForgingMetric() {
        let body = """
        # TYPE cardano_node_metrics_forging_enabled gauge
        cardano_node_metrics_forging_enabled_total 7
        cardano_node_metrics_forging_enabled{node="a}b"} 0 1700000000
        """
        #expect(NodeMetrics.forgingEnabled(prometheusText: body) == false)
        #expect(NodeMetrics.forgingEnabled(prometheusText: "cardano_node_metrics_forging_enabled 1\n") == true)
        #expect(NodeMetrics.forgingEnabled(prometheusText: "other 1\n") == nil)
        #expect(NodeMetrics.forgingEnabled(prometheusText: "cardano_node_metrics_forging_enabled NaNx\n") == nil)
    }
}
