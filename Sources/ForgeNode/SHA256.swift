import CCurl

/// SHA-256 via OpenSSL (through the CCurl shim), as lowercase hex.
enum SHA256 {
    static func hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        let ok = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { out in
                ccurl_sha256(input.baseAddress, input.count, out.baseAddress)
            }
        }
        // EVP_Digest with SHA-256 only fails on allocation failure; there is no sane fallback.
        precondition(ok == 1, "OpenSSL SHA-256 failed")
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
