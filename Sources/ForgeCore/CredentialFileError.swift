/// Why a credential or genesis file cannot be used. Always names the file, so the message in a
/// report or a log says which of the Secret's files an operator has to fix.
public struct CredentialFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}
