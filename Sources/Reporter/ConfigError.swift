/// A configuration value `forge-reporter` cannot run with. The message names the setting (its
/// environment variable) and the offending value, so the pod's log says exactly what to fix.
struct ConfigError: Error, Equatable, CustomStringConvertible {
    var setting: String
    var value: String?
    var problem: String

    var description: String {
        if let value {
            return "invalid \(setting)='\(value)': \(problem)"
        }
        return "invalid \(setting): \(problem)"
    }
}
