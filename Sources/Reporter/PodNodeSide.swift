#if canImport(Glibc)
import Glibc
#endif
import ForgeCore
import ForgeNode
import KubeClient
import Logging

/// `NodeSide` over ForgeNode: /proc lookup, a pidfd held on the process the keys were installed
/// for, atomic credential files, the socket probe, the fence file, the guard's heartbeat and
/// (optionally) the node log for confirmations.
struct PodNodeSide: NodeSide {
    let locator: NodeProcessLocator
    let credentials: CredentialManager
    let socketProbe: NodeSocketProbe
    let fenceFile: FenceFile
    let heartbeat: GuardHeartbeat?
    let guardStaleness: Duration
    let confirmations: ForgingConfirmationWatcher?
    let metricsURL: String?
    let holder: String
    let clock: MonotonicClock
    /// The handle taken when the keys were installed; signals to that process go through it.
    private let held = Locked<ProcessHandle?>(nil)

    init(config: ReporterConfig, clock: MonotonicClock) {
        locator = NodeProcessLocator(processName: config.nodeProcessName, socketPath: config.nodeSocket)
        credentials = CredentialManager(files: CredentialFiles(
            kesKey: .init(source: config.sourceKESKey, target: config.targetKESKey),
            vrfKey: .init(source: config.sourceVRFKey, target: config.targetVRFKey),
            operationalCertificate: .init(source: config.sourceOpCert, target: config.targetOpCert)))
        socketProbe = NodeSocketProbe(path: config.nodeSocket)
        fenceFile = FenceFile(path: config.fenceFile)
        heartbeat = config.requireGuard ? GuardHeartbeat(path: config.guardHeartbeatFile) : nil
        guardStaleness = config.guardStaleness
        confirmations = config.nodeLogFile.map(ForgingConfirmationWatcher.init(logPath:))
        metricsURL = config.nodeMetricsURL
        holder = config.podName
        self.clock = clock
    }

    func socketAcceptsConnections() async -> Bool {
        socketProbe.probe().isAccepting
    }

    func locateNode() -> NodeSighting {
        do {
            let node = try locator.locate()
            return .running(NodeProcessID(pid: node.pid, startTime: node.entry.startTime),
                            nonProducing: node.nonProducingFlag)
        } catch NodeLocatorError.notFound {
            return .notRunning
        } catch {
            return .unknown("\(error)")
        }
    }

    func isAlive(_ process: NodeProcessID) -> Bool? {
        if let handle = held.current, handle.identity.pid == process.pid, handle.identity.startTime == process.startTime {
            return handle.isAlive
        }
        guard let entry = locator.table.process(pid: process.pid) else { return false }
        return entry.startTime == process.startTime && entry.isAlive
    }

    func credentialSnapshot() -> CredentialSnapshot {
        let state = credentials.state()
        let digest = (try? credentials.opCertSHA256()) ?? nil
        switch state {
        case .present: return CredentialSnapshot(state: .present, opCertSHA256: digest)
        case .absent: return .absent
        case .partial: return CredentialSnapshot(state: .partial, opCertSHA256: digest)
        case .error(let why): return CredentialSnapshot(state: .error, opCertSHA256: digest, detail: why)
        }
    }

    func provisionCredentials() throws -> Bool {
        try credentials.install().changedFiles
    }

    func installCredentials(for process: NodeProcessID) throws -> Bool {
        try hold(process)
        return try credentials.install().changedFiles
    }

    func removeCredentials() throws -> Bool {
        try credentials.remove().changedFiles
    }

    func send(_ signal: NodeSignal, to process: NodeProcessID) throws {
        let number: Int32
        switch signal {
        case .hangUp: number = SIGHUP
        case .terminate: number = SIGTERM
        case .kill: number = SIGKILL
        }
        // The held handle if it is this process; otherwise one taken now (a restarted reporter
        // signalling its predecessor's node, or the node-up cleanup), checked by start time.
        try hold(process)
        try held.current?.send(number)
    }

    private func hold(_ process: NodeProcessID) throws {
        if let handle = held.current, handle.identity.pid == process.pid,
           handle.identity.startTime == process.startTime { return }
        let comm = locator.table.process(pid: process.pid)?.comm ?? locator.processName
        let handle = try ProcessHandle(ProcessIdentity(pid: process.pid, comm: comm, startTime: process.startTime),
                                       table: locator.table)
        held.withLock { $0 = handle }
    }

    func writeFence(_ record: FenceIntent) throws {
        switch record {
        case .forging(let deadline, let node):
            try fenceFile.writeForging(holder: holder, deadline: deadline, node: node, clock: clock)
        case .notForging:
            try fenceFile.writeNotForging(holder: holder, clock: clock)
        }
    }

    func previousFence() -> PreviousFence { fenceFile.previous() }

    func guardAlive() -> Bool {
        guard let heartbeat else { return true }
        return heartbeat.isFresh(at: clock.now(), staleness: guardStaleness)
    }

    var canConfirm: Bool { confirmations != nil || metricsURL != nil }

    var hasNodeLog: Bool { confirmations != nil }

    func metricsShowForging() async -> Bool? {
        guard let metricsURL else { return nil }
        // A real node's exposition is tens of KiB; allow well beyond that.
        let result = await HTTPProbe.get(url: metricsURL, timeout: .seconds(1), maxBodyBytes: 1 << 20)
        guard result.isSuccess else { return nil }
        return NodeMetrics.forgingEnabled(prometheusText: String(decoding: result.body, as: UTF8.self))
    }

    func logMark() -> Int {
        Int(clamping: confirmations?.endOffset() ?? 0)
    }

    func loggedForging(after mark: Int) -> Bool? {
        guard let confirmations, let (events, _) = try? confirmations.events(after: UInt64(max(mark, 0))) else {
            return nil
        }
        for event in events.reversed() {
            switch event {
            case .enabled: return true
            case .disabled: return false
            default: continue
            }
        }
        return nil
    }
}
