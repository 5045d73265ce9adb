/// A stake pool id as operators write it: 56 hexadecimal digits (the 28-byte BLAKE2b-224 hash
/// of the pool's cold verification key) or its bech32 form `pool1...` (CIP-5).
public enum PoolIdentifier {
    /// The lower-case hex form of `text`, or nil when it is neither form (or a bech32 string
    /// whose checksum fails or whose payload is not 28 bytes).
    public static func hex(from text: String) -> String? {
        let lowered = text.lowercased()
        if lowered.utf8.count == 56, let bytes = Hex.decode(lowered) { return Hex.encode(bytes) }
        guard let (hrp, payload) = Bech32.decode(lowered), hrp == "pool", payload.count == 28 else { return nil }
        return Hex.encode(payload)
    }
}

/// BIP-173 bech32 decoding (checksum constant 1), without BIP-173's 90-character limit, which
/// Cardano does not apply.
public enum Bech32 {
    static let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)

    public static func decode(_ text: String) -> (hrp: String, payload: [UInt8])? {
        let chars = Array(text.utf8)
        guard let separator = chars.lastIndex(of: UInt8(ascii: "1")), separator > 0, chars.count - separator > 6,
              chars.count <= 1023 else { return nil }
        let hrp = Array(chars[..<separator])
        guard hrp.allSatisfy({ (33...126).contains($0) }) else { return nil }
        var values: [UInt8] = []
        for char in chars[(separator + 1)...] {
            guard let index = alphabet.firstIndex(of: char) else { return nil }
            values.append(UInt8(index))
        }
        guard polymod(expand(hrp) + values) == 1 else { return nil }
        guard let payload = regroup(values.dropLast(6)) else { return nil }
        return (String(decoding: hrp, as: UTF8.self), payload)
    }

    static func expand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ff_ffff) << 5 ^ UInt32(value)
            for bit in 0..<5 where (top >> bit) & 1 == 1 { checksum ^= generator[bit] }
        }
        return checksum
    }

    /// 5-bit groups to bytes; leftover bits must be fewer than 5 and zero.
    static func regroup<C: Collection>(_ values: C) -> [UInt8]? where C.Element == UInt8 {
        var accumulator: UInt32 = 0
        var bits = 0
        var bytes: [UInt8] = []
        for value in values {
            accumulator = accumulator << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8((accumulator >> UInt32(bits)) & 0xff))
            }
        }
        guard bits < 5, accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return bytes
    }
}
