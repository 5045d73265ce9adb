/// A CBOR (RFC 8949) reader for exactly what Cardano's key and certificate files use:
/// unsigned integers, byte strings and arrays, all with definite lengths. Everything else
/// (maps, text, tags, floats, indefinite lengths, negative integers) is rejected by name, so a
/// file that is not what we expect is an error rather than a guess.
public enum CBORValue: Equatable, Sendable {
    case unsigned(UInt64)
    case bytes([UInt8])
    case array([CBORValue])
}

public enum CBORError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended inside an item (at byte `offset`).
    case truncated(offset: Int)
    /// A major type or encoding this reader does not accept.
    case unsupported(String, offset: Int)
    /// A complete item was read but bytes remain.
    case trailingBytes(count: Int)
    /// Arrays nested deeper than any Cardano file needs.
    case tooDeep

    public var description: String {
        switch self {
        case .truncated(let offset): return "CBOR ends early (at byte \(offset))"
        case .unsupported(let what, let offset): return "unsupported CBOR \(what) at byte \(offset)"
        case .trailingBytes(let count): return "\(count) unexpected bytes after the CBOR item"
        case .tooDeep: return "CBOR arrays nested too deeply"
        }
    }
}

public enum CBORReader {
    /// Deeper than the operational certificate's two levels needs; bounds recursion on bad input.
    static let maximumDepth = 8

    /// Decodes one item that must span all of `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(CBORError) -> CBORValue {
        var offset = 0
        let value = try item(bytes, &offset, depth: 0)
        if offset != bytes.count { throw .trailingBytes(count: bytes.count - offset) }
        return value
    }

    private static func item(_ bytes: [UInt8], _ offset: inout Int, depth: Int) throws(CBORError) -> CBORValue {
        guard depth <= maximumDepth else { throw .tooDeep }
        let start = offset
        guard offset < bytes.count else { throw .truncated(offset: offset) }
        let initial = bytes[offset]
        offset += 1
        let major = initial >> 5
        let argument = try length(initial & 0x1f, bytes, &offset, itemStart: start)
        switch major {
        case 0:
            return .unsigned(argument)
        case 2:
            // Compare against what is left before converting, so a huge length cannot overflow.
            guard argument <= UInt64(bytes.count - offset) else { throw .truncated(offset: bytes.count) }
            let end = offset + Int(argument)
            defer { offset = end }
            return .bytes(Array(bytes[offset..<end]))
        case 4:
            // Every element takes at least one byte: a count beyond the remaining bytes is
            // truncated input, and checking first keeps a hostile count from reserving memory.
            guard argument <= UInt64(bytes.count - offset) else { throw .truncated(offset: bytes.count) }
            var elements: [CBORValue] = []
            elements.reserveCapacity(Int(argument))
            for _ in 0..<Int(argument) { elements.append(try item(bytes, &offset, depth: depth + 1)) }
            return .array(elements)
        case 1: throw .unsupported("negative integer", offset: start)
        case 3: throw .unsupported("text string", offset: start)
        case 5: throw .unsupported("map", offset: start)
        case 6: throw .unsupported("tag", offset: start)
        default: throw .unsupported("simple value or float", offset: start)
        }
    }

    /// The argument of an item head: inline (0-23) or in the next 1, 2, 4 or 8 bytes.
    private static func length(_ info: UInt8, _ bytes: [UInt8], _ offset: inout Int, itemStart: Int) throws(CBORError) -> UInt64 {
        let size: Int
        switch info {
        case 0...23: return UInt64(info)
        case 24: size = 1
        case 25: size = 2
        case 26: size = 4
        case 27: size = 8
        case 31: throw .unsupported("indefinite length", offset: itemStart)
        default: throw .unsupported("additional information \(info)", offset: itemStart)
        }
        guard bytes.count - offset >= size else { throw .truncated(offset: bytes.count) }
        var value: UInt64 = 0
        for byte in bytes[offset..<offset + size] { value = value << 8 | UInt64(byte) }
        offset += size
        return value
    }
}

extension CBORValue {
    var kindName: String {
        switch self {
        case .unsigned: "unsigned integer"
        case .bytes(let b): "byte string of \(b.count) bytes"
        case .array(let a): "array of \(a.count) items"
        }
    }
}
