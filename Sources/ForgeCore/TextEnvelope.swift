import FoundationEssentials

/// cardano-cli's "text envelope": `{"type": ..., "description": ..., "cborHex": ...}`, the format
/// of every key and certificate file a block producer uses.
public struct TextEnvelope: Equatable, Sendable {
    public var type: String
    public var description: String?
    /// The decoded `cborHex`.
    public var cbor: [UInt8]

    /// Far above any key or certificate (the largest, a KES signing key, is about 1.3 KiB as
    /// an envelope); a larger file is not one of ours and is not read whole.
    public static let maximumFileSize = 64 * 1024

    public init(type: String, description: String?, cbor: [UInt8]) {
        self.type = type
        self.description = description
        self.cbor = cbor
    }

    private struct Raw: Decodable {
        var type: String?
        var description: String?
        var cborHex: String?
    }

    /// Parses the file's bytes; `expectedType` is checked exactly.
    public static func parse(_ contents: [UInt8], file: String, expectedType: String) throws(CredentialFileError) -> TextEnvelope {
        func fail(_ problem: String) -> CredentialFileError { CredentialFileError(file: file, problem: problem) }
        guard contents.count <= maximumFileSize else {
            throw fail("\(contents.count) bytes, larger than the \(maximumFileSize)-byte limit for a text envelope")
        }
        let raw: Raw
        do {
            raw = try JSONDecoder().decode(Raw.self, from: Data(contents))
        } catch {
            throw fail("not a text envelope (not a JSON object with type and cborHex)")
        }
        guard let type = raw.type else { throw fail("text envelope has no \"type\"") }
        guard type == expectedType else { throw fail("envelope type is \"\(type)\", expected \"\(expectedType)\"") }
        guard let hex = raw.cborHex else { throw fail("text envelope has no \"cborHex\"") }
        guard let cbor = Hex.decode(hex) else { throw fail("cborHex is not an even number of hexadecimal digits") }
        return TextEnvelope(type: type, description: raw.description, cbor: cbor)
    }
}

/// Lower-case hexadecimal, both ways.
public enum Hex {
    public static func decode(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let alphabet = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(alphabet[Int(byte >> 4)])
            text.append(alphabet[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
