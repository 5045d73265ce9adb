import Testing
@testable import Aggregator

@Suite struct AggregatorConfigTests {
    static let env = ["NAMESPACE": "cardano", "CLUSTER_REGION": "eu-west", "POD_NAME": "agg-0"]

    @Test func defaultsFromTheEnvironment() throws {
        let config = try AggregatorConfig.resolve(.init(), environment: Self.env)
        #expect(config.namespace == "cardano" && config.region == "eu-west" && config.identity == "agg-0")
        #expect(config.metricsPort == 8080)
        #expect(config.leaseName == "forge-aggregator-eu-west")
        #expect(config.heartbeatInterval == .seconds(10) && config.peerTimeout == .seconds(60))
        #expect(config.settle == .seconds(20) && config.healthyAfter == 1)
    }

    @Test func flagsWinOverEnvironment() throws {
        var flags = AggregatorConfig.Inputs()
        flags.namespace = "other"; flags.metricsPort = 9100; flags.leaseName = "mine"; flags.crdName = "legacy"
        let config = try AggregatorConfig.resolve(flags, environment: Self.env.merging(["METRICS_PORT": "7000"]) { $1 })
        #expect(config.namespace == "other" && config.metricsPort == 9100 && config.leaseName == "mine")
        #expect(config.leaderResourceName == "legacy")
    }

    @Test func peerTimeoutMustExceedThePeersFenceTime() throws {
        var flags = AggregatorConfig.Inputs()
        // Defaults: a silent peer's reporters forge on for staleness 30s + sleep 5s (longer than
        // its 15s lease), plus a 20s margin = 55s.
        flags.heartbeatInterval = "10s"; flags.peerTimeout = "55s"
        #expect(throws: AggregatorConfig.Error.self) { try AggregatorConfig.resolve(flags, environment: Self.env) }
        do { _ = try AggregatorConfig.resolve(flags, environment: Self.env) } catch {
            #expect("\(error)".contains("must exceed the peers' fence time"))
            #expect("\(error)".contains("--peer-status-staleness"))
        }
        flags.peerTimeout = "56s"
        #expect(try AggregatorConfig.resolve(flags, environment: Self.env).peerFenceTime == .seconds(55))
        // The peers' lease duration governs when it is the longer of the two.
        flags.peerLeaseDuration = "50s"; flags.peerTimeout = "70s"
        #expect(throws: AggregatorConfig.Error.self) { try AggregatorConfig.resolve(flags, environment: Self.env) }
        // Short test timings: heartbeat 1 s, lease 3 s, staleness 2 s + sleep 1 s, peer timeout 6 s.
        flags = .init(); flags.heartbeatInterval = "1s"; flags.peerLeaseDuration = "3s"
        flags.peerStatusStaleness = "2s"; flags.peerSleepInterval = "1s"; flags.peerTimeout = "6s"
        #expect(try AggregatorConfig.resolve(flags, environment: Self.env).peerTimeout == .seconds(6))
    }

    @Test(arguments: [
        (["NAMESPACE": "x"], "CLUSTER_REGION"),
        (["CLUSTER_REGION": "x"], "NAMESPACE"),
        (env.merging(["METRICS_PORT": "http"]) { $1 }, "METRICS_PORT"),
    ])
    func missingOrBadEnvironmentNamesTheSetting(environment: [String: String], named: String) {
        do {
            _ = try AggregatorConfig.resolve(.init(), environment: environment)
            Issue.record("accepted \(environment)")
        } catch {
            #expect("\(error)".contains(named))
        }
    }

    @Test func badDurationsAndSelectorsAreRejected() {
        var flags = AggregatorConfig.Inputs()
        flags.heartbeatInterval = "soon"
        #expect(throws: AggregatorConfig.Error.self) { try AggregatorConfig.resolve(flags, environment: Self.env) }
        flags = .init(); flags.podSelector = "a in b"
        #expect(throws: AggregatorConfig.Error.self) { try AggregatorConfig.resolve(flags, environment: Self.env) }
        flags = .init(); flags.renewDeadline = "20s"
        #expect(throws: AggregatorConfig.Error.self) { try AggregatorConfig.resolve(flags, environment: Self.env) }
        flags = .init(); flags.healthyAfter = 0
        #expect(throws: AggregatorConfig.Error.self) { try AggregatorConfig.resolve(flags, environment: Self.env) }
    }
}
