/// CRC-32C (Castagnoli), as used by iSCSI (RFC 3720), ext4, LevelDB and etcd.
///
/// The polynomial is 0x1EDC6F41, processed reflected (0x82F63B78), with an initial value and a final XOR of
/// 0xFFFFFFFF. The implementation is table-driven and processes eight bytes per step ("slicing-by-8").
///
/// Use ``checksum(_:seed:)`` for a one-shot checksum, or a ``CRC32C`` value to checksum data that arrives in
/// pieces:
///
/// ```swift
/// var crc = CRC32C()
/// crc.update(header)
/// crc.update(payload)
/// let value = crc.value   // == CRC32C.checksum(header + payload)
/// ```
///
/// Chaining through `seed` gives the same result as checksumming the concatenation:
/// `checksum(b, seed: checksum(a)) == checksum(a + b)`.
public struct CRC32C: Sendable, Hashable {
    /// The checksum of all bytes passed to ``update(_:)`` so far (finalized: ready to store or compare).
    public private(set) var value: UInt32

    /// Starts a checksum.
    ///
    /// - Parameter seed: The checksum of the bytes that logically precede the ones you will pass to
    ///   ``update(_:)``; `0` (the default) for a fresh checksum.
    public init(seed: UInt32 = 0) {
        self.value = seed
    }

    /// Adds `bytes` to the checksum.
    ///
    /// - Parameter bytes: The next bytes of the message.
    public mutating func update<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        value = Self.checksum(bytes, seed: value)
    }

    /// Returns the CRC-32C of `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: The message.
    ///   - seed: The checksum of the bytes that logically precede `bytes`; `0` (the default) for a fresh checksum.
    /// - Returns: The finalized checksum, for example `0xE3069283` for the ASCII bytes of `"123456789"`.
    public static func checksum<Bytes: Collection<UInt8>>(_ bytes: Bytes, seed: UInt32 = 0) -> UInt32 {
        let state = ~seed
        if let result = bytes.withContiguousStorageIfAvailable({ update(state, $0) }) {
            return ~result
        }
        let copy = Array(bytes)
        return ~copy.withUnsafeBufferPointer { update(state, $0) }
    }

    /// Advances the raw (not finalized) CRC register over `buffer`.
    private static func update(_ state: UInt32, _ buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc = state
        tables.withUnsafeBufferPointer { t in
            let count = buffer.count
            var i = 0
            while count - i >= 8 {
                let low =
                    crc
                    ^ (UInt32(buffer[i]) | UInt32(buffer[i + 1]) << 8 | UInt32(buffer[i + 2]) << 16
                        | UInt32(buffer[i + 3]) << 24)
                let high =
                    UInt32(buffer[i + 4]) | UInt32(buffer[i + 5]) << 8 | UInt32(buffer[i + 6]) << 16
                    | UInt32(buffer[i + 7]) << 24
                crc =
                    t[7 &* 256 &+ Int(low & 0xFF)] ^ t[6 &* 256 &+ Int((low >> 8) & 0xFF)]
                    ^ t[5 &* 256 &+ Int((low >> 16) & 0xFF)] ^ t[4 &* 256 &+ Int(low >> 24)]
                    ^ t[3 &* 256 &+ Int(high & 0xFF)] ^ t[2 &* 256 &+ Int((high >> 8) & 0xFF)]
                    ^ t[256 &+ Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                i &+= 8
            }
            while i < count {
                crc = t[Int((crc ^ UInt32(buffer[i])) & 0xFF)] ^ (crc >> 8)
                i &+= 1
            }
        }
        return crc
    }

    /// The eight slicing tables, 256 entries each, stored one after the other.
    ///
    /// Table 0 is the classic byte-at-a-time table; table k advances a byte that is followed by k zero bytes.
    private static let tables: [UInt32] = {
        let polynomial: UInt32 = 0x82F6_3B78
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1
            }
            tables[byte] = crc
        }
        for table in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(table - 1) * 256 + byte]
                tables[table * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()
}
