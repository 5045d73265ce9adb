import ForgeCore
import ForgeNode
import Logging

/// `NodeSide` over ForgeNode: /proc lookup, pidfd-checked SIGHUP, atomic credential files,
/// the socket probe, the fence file and (optionally) the node log for confirmations.
struct PodNodeSide: NodeSide {
    let locator: NodeProcessLocator
    let signaller: NodeSignaller
    let credentials: CredentialManager
    let socketProbe: NodeSocketProbe
    let fenceFile: FenceFile
    let confirmations: ForgingConfirmationWatcher?
    let holder: String
    let clock: MonotonicClock

    init(config: ReporterConfig, clock: MonotonicClock) {
        locator = NodeProcessLocator(processName: config.nodeProcessName, socketPath: config.nodeSocket)
        signaller = KillSignaller()
        credentials = CredentialManager(files: CredentialFiles(
            kesKey: .init(source: config.sourceKESKey, target: config.targetKESKey),
            vrfKey: .init(source: config.sourceVRFKey, target: config.targetVRFKey),
            operationalCertificate: .init(source: config.sourceOpCert, target: config.targetOpCert)))
        socketProbe = NodeSocketProbe(path: config.nodeSocket)
        fenceFile = FenceFile(path: config.fenceFile)
        confirmations = config.nodeLogFile.map(ForgingConfirmationWatcher.init(logPath:))
        holder = config.podName
        self.clock = clock
    }

    func socketAcceptsConnections() async -> Bool {
        socketProbe.probe().isAccepting
    }

    func locateNode() -> NodeLocation {
        do {
            let node = try locator.locate()
            return .found(pid: node.pid, nonProducingFlag: node.nonProducingFlag)
        } catch NodeLocatorError.notFound {
            return .notRunning
        } catch {
            return .unavailable("\(error)")
        }
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

    func installCredentials() throws -> Bool {
        try credentials.install().changedFiles
    }

    func removeCredentials() throws -> Bool {
        try credentials.remove().changedFiles
    }

    /// Located again right before the signal, and signalled by identity (pid + start time), so
    /// a recycled pid is never hit.
    func sendReload(to pid: Int32) throws {
        let node = try locator.locate()
        guard node.pid == pid else {
            throw SignalError.noSuchProcess(pid: pid)
        }
        try signaller.sendHangUp(to: node.identity)
    }

    func writeFence(_ record: FenceIntent) throws {
        switch record {
        case .forging(let deadline):
            try fenceFile.writeForging(holder: holder, deadline: deadline, clock: clock)
        case .notForging:
            try fenceFile.writeNotForging(holder: holder, clock: clock)
        }
    }

    var canConfirm: Bool { confirmations != nil }

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
