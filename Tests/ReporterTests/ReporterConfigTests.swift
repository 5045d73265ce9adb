import Testing
@testable import Reporter

@Suite("ReporterConfig validation")
struct ReporterConfigTests {
    static let minimal = ["POD_NAME": "producer-0"]

    func load(_ extra: [String: String]) throws -> ReporterConfig {
        try ReporterConfig.load(settings: Self.minimal.merging(extra) { $1 })
    }

    @Test("defaults match the predecessor")
    func defaults() throws {
        let c = try load([:])
        #expect(c.namespace == "default")
        #expect(c.nodeSocket == "/ipc/node.socket")
        #expect(c.socketWaitTimeout == .seconds(600))
        #expect(c.leaseName == "cardano-node-leader")
        #expect(c.leaseDuration == .seconds(15) && c.renewDeadline == .seconds(10) && c.retryPeriod == .seconds(2))
        #expect(c.renewInterval == .seconds(5), "new: the leader renews every 5 s, not every RETRY_PERIOD")
        #expect(c.sleepInterval == .seconds(5) && c.reportHeartbeat == .seconds(60))
        #expect(c.metricsPort == 8000)
        #expect(c.fenceFile == "/run/forge/fence")
        #expect(c.nodeProcessName == "cardano-node")
        #expect(c.sourceKESKey == "/secrets/kes.skey" && c.targetOpCert == "/opt/cardano/secrets/node.cert")
        #expect(c.applicationType == "block-producer" && c.clusterPriority == 100)
        #expect(c.clusterEnvironment == "production" && !c.enableClusterManagement)
        #expect(c.clusterStatusStaleness == .seconds(30))
        #expect(c.crdGroup == "cardano.io" && c.crdVersion == "v1")
        #expect(c.nodeLogFile == nil && c.kubeconfig == nil && c.nodeName == nil)
    }

    @Test("derived names and known network magic")
    func derived() throws {
        let c = try load(["CARDANO_NETWORK": "mainnet", "POOL_ID": "pool1abcdefghijkl", "CLUSTER_REGION": "eu-west-1",
                          "ENABLE_CLUSTER_MANAGEMENT": "true"])
        #expect(c.leaseName == "cardano-leader-mainnet-pool1abcde")
        #expect(c.clusterName == "mainnet-pool1abcde-eu-west-1")
        #expect(c.networkMagic == 764_824_073)
        #expect(try load(["CARDANO_NETWORK": "preview", "NETWORK_MAGIC": "2"]).networkMagic == 2)
        #expect(try load(["CARDANO_NETWORK": "sanchonet", "NETWORK_MAGIC": "4"]).networkMagic == 4)
        #expect(try load(["LEASE_NAME": "explicit-lease", "CARDANO_NETWORK": "mainnet", "POOL_ID": "p"]).leaseName == "explicit-lease")
    }

    @Test("flags win over the environment")
    func flagsWin() throws {
        let options = try ReporterOptions.parse(["--lease-duration", "20", "--pod-name", "from-flag", "--node-name", "worker-3"])
        let settings = options.settings(environment: ["LEASE_DURATION": "abc", "POD_NAME": "from-env", "SLEEP_INTERVAL": "2"])
        let c = try ReporterConfig.load(settings: settings)
        #expect(c.leaseDuration == .seconds(20) && c.podName == "from-flag" && c.nodeName == "worker-3")
        #expect(c.sleepInterval == .seconds(2))
    }

    @Test("decimal seconds where allowed")
    func decimals() throws {
        let c = try load(["LEASE_DURATION": "4", "RENEW_DEADLINE": "2", "RETRY_PERIOD": "0.5",
                          "SLEEP_INTERVAL": "0.25", "REPORT_HEARTBEAT": "1.5"])
        #expect(c.retryPeriod == .milliseconds(500) && c.sleepInterval == .milliseconds(250))
        #expect(c.reportHeartbeat == .milliseconds(1500))
        #expect(c.fenceMargin == .milliseconds(500))
    }

    @Test("each bad value is rejected with a message naming it", arguments: [
        (["POD_NAME": ""], "POD_NAME"),
        (["LEASE_DURATION": "abc"], "LEASE_DURATION"),
        (["LEASE_DURATION": "2.5"], "LEASE_DURATION"),
        (["LEASE_DURATION": "0"], "LEASE_DURATION"),
        (["RENEW_DEADLINE": "15"], "RENEW_DEADLINE"),
        (["RENEW_DEADLINE": "x"], "RENEW_DEADLINE"),
        (["LEASE_DURATION": "3", "RENEW_DEADLINE": "2"], "RENEW_DEADLINE"),
        (["LEASE_DURATION": "15", "RENEW_DEADLINE": "13.5"], "RENEW_DEADLINE"),
        (["RETRY_PERIOD": "10"], "RETRY_PERIOD"),
        (["RETRY_PERIOD": "-1"], "RETRY_PERIOD"),
        (["RENEW_INTERVAL": "0"], "RENEW_INTERVAL"),
        (["RENEW_INTERVAL": "8"], "RENEW_INTERVAL"),
        (["RETRY_PERIOD": "5"], "RETRY_PERIOD"),
        (["SLEEP_INTERVAL": "soon"], "SLEEP_INTERVAL"),
        (["REPORT_HEARTBEAT": "0"], "REPORT_HEARTBEAT"),
        (["CARDANO_NETWORK": "mainnet", "NETWORK_MAGIC": "1"], "NETWORK_MAGIC"),
        (["NETWORK_MAGIC": "magic"], "NETWORK_MAGIC"),
        (["POOL_ID_HEX": "xyz"], "POOL_ID_HEX"),
        (["POOL_ID_HEX": String(repeating: "g", count: 56)], "POOL_ID_HEX"),
        (["POOL_ID_HEX": String(repeating: "a", count: 55)], "POOL_ID_HEX"),
        (["METRICS_PORT": "70000"], "METRICS_PORT"),
        (["METRICS_PORT": "http"], "METRICS_PORT"),
        (["CLUSTER_PRIORITY": "0"], "CLUSTER_PRIORITY"),
        (["ENABLE_CLUSTER_MANAGEMENT": "maybe"], "ENABLE_CLUSTER_MANAGEMENT"),
        (["ENABLE_CLUSTER_MANAGEMENT": "true"], "ENABLE_CLUSTER_MANAGEMENT"),
        (["DISABLE_SOCKET_CHECK": "2"], "DISABLE_SOCKET_CHECK"),
        (["SOCKET_WAIT_TIMEOUT": "-5"], "SOCKET_WAIT_TIMEOUT"),
        (["HEALTH_CHECK_INTERVAL": "0"], "HEALTH_CHECK_INTERVAL"),
        (["CLUSTER_STATUS_STALENESS": "ninety"], "CLUSTER_STATUS_STALENESS"),
        (["LOG_LEVEL": "loud"], "LOG_LEVEL"),
        (["LEASE_NAME": "Bad_Name"], "LEASE_NAME"),
        (["NAMESPACE": "UPPER"], "NAMESPACE"),
        (["POD_UID": "not a uid"], "POD_UID"),
        (["POD_UID": "abc_def"], "POD_UID"),
    ])
    func rejects(settings: [String: String], named: String) {
        do {
            let config = try load(settings)
            Issue.record("accepted \(settings): \(config.leaseName)")
        } catch let error as ConfigError {
            #expect(error.setting == named)
            #expect(error.description.contains(named))
            if let value = settings[named], !value.isEmpty {
                #expect(error.description.contains(value), "message should quote the value")
            }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("RENEW_DEADLINE must leave at least 2 s to LEASE_DURATION; the message names both values")
    func fenceGap() throws {
        do {
            _ = try load(["LEASE_DURATION": "3", "RENEW_DEADLINE": "2", "RETRY_PERIOD": "0.5"])
            Issue.record("a 1 s gap was accepted")
        } catch let error as ConfigError {
            #expect(error.setting == "RENEW_DEADLINE")
            #expect(error.description.contains("'2'") && error.description.contains("LEASE_DURATION (3.0 s)"), "\(error)")
            #expect(error.description.contains("at least 2.0 s less"), "\(error)")
        }
        let exact = try load(["LEASE_DURATION": "4", "RENEW_DEADLINE": "2", "RETRY_PERIOD": "0.5"])
        #expect(exact.leaseDuration - exact.renewDeadline == .seconds(2))
    }

    @Test("RENEW_INTERVAL leaves a RETRY_PERIOD for a second renew before RENEW_DEADLINE; unset it fits shorter timings")
    func renewInterval() throws {
        do {
            _ = try load(["RENEW_INTERVAL": "8"])
            Issue.record("8 s + 2 s >= 10 s was accepted")
        } catch let error as ConfigError {
            #expect(error.setting == "RENEW_INTERVAL")
            #expect(error.description.contains("RETRY_PERIOD (2.0 s)") && error.description.contains("RENEW_DEADLINE (10.0 s)"), "\(error)")
            #expect(error.description.contains("second attempt"), "\(error)")
        }
        #expect(try load(["RENEW_INTERVAL": "7.5"]).renewInterval == .milliseconds(7500))
        // Unset: 5 s, or RENEW_DEADLINE - 2 x RETRY_PERIOD where shorter timings leave less room.
        #expect(try load(["LEASE_DURATION": "4", "RENEW_DEADLINE": "2", "RETRY_PERIOD": "0.5"]).renewInterval == .seconds(1))
        #expect(try load(["LEASE_DURATION": "6", "RENEW_DEADLINE": "4", "RETRY_PERIOD": "1"]).renewInterval == .seconds(2))
        do {
            _ = try load(["RETRY_PERIOD": "5"])
            Issue.record("RETRY_PERIOD 5 s with RENEW_DEADLINE 10 s leaves no room for a retry")
        } catch let error as ConfigError {
            #expect(error.setting == "RETRY_PERIOD" && error.description.contains("RENEW_INTERVAL"), "\(error)")
        }
        #expect(try load(["RETRY_PERIOD": "5", "RENEW_INTERVAL": "4"]).renewInterval == .seconds(4))
    }

    @Test("the election identity is <pod name>_<POD_UID>, or the pod name without POD_UID")
    func electionIdentity() throws {
        let uid = "3f2c9e1a-77b0-4c1e-9d2a-0b8f6c1d2e3f"
        let withUID = try load(["POD_NAME": "bp-0", "POD_UID": uid])
        #expect(withUID.podUID == uid && withUID.electionIdentity == "bp-0_\(uid)")
        let without = try load(["POD_NAME": "bp-0"])
        #expect(without.podUID == nil && without.electionIdentity == "bp-0")
    }

    @Test("missing POD_NAME is reported as required")
    func missingPodName() {
        #expect(throws: ConfigError.self) { try ReporterConfig.load(settings: [:]) }
        do { _ = try ReporterConfig.load(settings: [:]) } catch {
            #expect("\(error)".contains("POD_NAME") && "\(error)".contains("required"))
        }
    }

    @Test("log levels accept the predecessor's names")
    func logLevels() throws {
        #expect(try load(["LOG_LEVEL": "DEBUG"]).logLevel == .debug)
        #expect(try load(["LOG_LEVEL": "WARNING"]).logLevel == .warning)
        #expect(try load(["LOG_LEVEL": "warn"]).logLevel == .warning)
    }
}
