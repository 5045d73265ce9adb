import CSodium
import ForgeCore

/// BLAKE2b through libsodium's `crypto_generichash`, for the pool id (28 bytes) and the KES
/// verification key (32 bytes).
public enum Blake2b {
    /// `sodium_init` picks the fastest implementation; it is idempotent and thread-safe.
    private static let initialised: Bool = sodium_init() >= 0

    /// `digestLength` must lie within libsodium's 16...64 bytes.
    public static func hash(_ input: [UInt8], digestLength: Int) -> [UInt8] {
        precondition(initialised, "libsodium failed to initialise")
        precondition(digestLength >= Int(crypto_generichash_BYTES_MIN) && digestLength <= Int(crypto_generichash_BYTES_MAX))
        var digest = [UInt8](repeating: 0, count: digestLength)
        // A valid pointer even for empty input (an empty array has no base address).
        let buffer = input.isEmpty ? [0] : input
        let status = buffer.withUnsafeBufferPointer { source in
            digest.withUnsafeMutableBufferPointer { out in
                crypto_generichash(out.baseAddress!, digestLength, source.baseAddress!, UInt64(input.count), nil, 0)
            }
        }
        // Fails only for lengths outside the range checked above.
        precondition(status == 0, "crypto_generichash failed")
        return digest
    }

    /// As ForgeCore's `Blake2bHash`.
    public static let function: Blake2bHash = { hash($0, digestLength: $1) }
}
