/// Failures of the emulator harness, each naming what to look at.
public enum EmulatorError: Error, CustomStringConvertible {
    case startFailed(String)
    case adminRequestFailed(method: String, path: String, status: Int, body: String)
    case missingCRDs(directory: String)
    case badCRDFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .startFailed(let why): return "API emulator did not start: \(why)"
        case .adminRequestFailed(let method, let path, let status, let body):
            return "emulator request \(method) \(path) failed with HTTP \(status): \(body.prefix(500))"
        case .missingCRDs(let directory):
            return "no CRD manifests (*.yaml) in \(directory); the chart's CRDs must exist for this test"
        case .badCRDFile(let path, let reason): return "cannot use CRD manifest \(path): \(reason)"
        }
    }
}
