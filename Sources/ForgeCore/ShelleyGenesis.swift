import FoundationEssentials

/// The few Shelley genesis parameters that put a certificate's KES periods on the clock.
public struct ShelleyGenesis: Equatable, Sendable {
    /// Slots in one KES period (mainnet: 129600, 36 hours).
    public var slotsPerKESPeriod: UInt64
    /// How many periods a KES key may evolve through (mainnet: 62, about 93 days).
    public var maxKESEvolutions: UInt64
    /// Seconds per slot (mainnet: 1).
    public var slotLength: Double
    /// The network's genesis time, informational.
    public var systemStart: String?

    /// Testnet genesis files carry initial funds and can be large; anything beyond this is not a
    /// genesis file we should parse on every start.
    public static let maximumFileSize = 32 << 20

    public init(slotsPerKESPeriod: UInt64, maxKESEvolutions: UInt64, slotLength: Double, systemStart: String? = nil) {
        self.slotsPerKESPeriod = slotsPerKESPeriod
        self.maxKESEvolutions = maxKESEvolutions
        self.slotLength = slotLength
        self.systemStart = systemStart
    }

    private struct Raw: Decodable {
        var slotsPerKESPeriod: JSONValue?
        var maxKESEvolutions: JSONValue?
        var slotLength: JSONValue?
        var systemStart: JSONValue?
    }

    public static func parse(_ contents: [UInt8], file: String) throws(CredentialFileError) -> ShelleyGenesis {
        func fail(_ problem: String) -> CredentialFileError { CredentialFileError(file: file, problem: "Shelley genesis: " + problem) }
        guard contents.count <= maximumFileSize else {
            throw fail("\(contents.count) bytes, larger than the \(maximumFileSize)-byte limit")
        }
        let raw: Raw
        do { raw = try JSONDecoder().decode(Raw.self, from: Data(contents)) } catch {
            throw fail("not a JSON object")
        }
        func positiveInteger(_ value: JSONValue?, _ name: String) throws(CredentialFileError) -> UInt64 {
            guard let value else { throw fail("\"\(name)\" is missing") }
            guard case .number(let number) = value, number.rounded() == number, number >= 1, number < 1e15 else {
                throw fail("\"\(name)\" must be a positive integer")
            }
            return UInt64(number)
        }
        let slotsPerKESPeriod = try positiveInteger(raw.slotsPerKESPeriod, "slotsPerKESPeriod")
        let maxKESEvolutions = try positiveInteger(raw.maxKESEvolutions, "maxKESEvolutions")
        guard let slotValue = raw.slotLength else { throw fail("\"slotLength\" is missing") }
        guard case .number(let slotLength) = slotValue, slotLength > 0, slotLength < 1e6 else {
            throw fail("\"slotLength\" must be a positive number of seconds")
        }
        return ShelleyGenesis(slotsPerKESPeriod: slotsPerKESPeriod, maxKESEvolutions: maxKESEvolutions,
                              slotLength: slotLength, systemStart: raw.systemStart?.stringValue)
    }
}
