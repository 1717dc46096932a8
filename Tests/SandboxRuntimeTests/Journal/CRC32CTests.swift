import SandboxCrypto
import Testing

/// A bit-at-a-time CRC-32C, written straight from the definition, to check the table-driven one against.
private func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
        }
    }
    return ~crc
}

extension JournalTests {
    @Suite("CRC-32C")
    struct CRC32CTests {
        @Test(
            "matches the published check value and the RFC 3720 B.4 vectors",
            arguments: [
                (Array("123456789".utf8), UInt32(0xE306_9283)),
                ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
                ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
                (Array(0...31), 0x46DD_794E),
                (Array((0...31).reversed()), 0x113F_DB5C),
                ([], 0),
            ] as [([UInt8], UInt32)]
        )
        func knownVectors(bytes: [UInt8], expected: UInt32) {
            #expect(CRC32C.checksum(bytes) == expected)
        }

        @Test("agrees with a bitwise reference for every length and alignment up to 64 bytes")
        func agreesWithReference() {
            var generator = SystemRandomNumberGenerator()
            let data = (0..<80).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for start in 0..<8 {
                for length in 0...64 {
                    let slice = data[start..<(start + length)]
                    #expect(CRC32C.checksum(slice) == referenceCRC32C(Array(slice)), "start \(start) length \(length)")
                }
            }
        }

        @Test("non-contiguous collections give the same checksum as arrays")
        func nonContiguousCollections() {
            let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
            #expect(CRC32C.checksum(bytes.lazy.map { $0 }) == CRC32C.checksum(bytes))
            #expect(CRC32C.checksum("123456789".utf8) == 0xE306_9283)
        }

        @Test("chaining through the seed equals checksumming the concatenation")
        func chaining() {
            let bytes = Array("123456789".utf8)
            for split in 0...bytes.count {
                let first = CRC32C.checksum(bytes[..<split])
                #expect(CRC32C.checksum(bytes[split...], seed: first) == 0xE306_9283)

                var incremental = CRC32C()
                incremental.update(bytes[..<split])
                incremental.update(bytes[split...])
                #expect(incremental.value == 0xE306_9283)
            }
        }
    }
}
