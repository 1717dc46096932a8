import SandboxCrypto
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    @Test("every hash.json vector, in one call", arguments: HashVectors.all.sha256)
    func hash_matchesVector(_ vector: HashVectors.SHA256Vector) {
        #expect(Hex.encode(SHA256.hash(vector.message)) == vector.sha256)
    }

    @Test("every hash.json vector, fed in uneven pieces", arguments: HashVectors.all.sha256)
    func update_inPieces_matchesVector(_ vector: HashVectors.SHA256Vector) {
        let message = vector.message
        for pieceLength in [1, 3, 63, 64, 65, 1000] {
            var hasher = SHA256()
            var start = 0
            while start < message.count {
                let end = min(start + pieceLength, message.count)
                hasher.update(message[start..<end])
                start = end
            }
            #expect(Hex.encode(hasher.finalize()) == vector.sha256, "piece length \(pieceLength)")
        }
    }

    @Test("non-contiguous sequences hash like arrays")
    func update_withNonContiguousSequence() {
        let message = (0..<10_000).lazy.map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(SHA256.hash(message) == SHA256.hash(Array(message)))
    }

    @Test("finalize leaves the hasher usable for a longer message")
    func finalize_doesNotConsume() {
        var hasher = SHA256()
        hasher.update("ab".utf8)
        #expect(Hex.encode(hasher.finalize()) == Hex.encode(SHA256.hash("ab".utf8)))
        hasher.update("c".utf8)
        #expect(Hex.encode(hasher.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("every length from 0 to 300 agrees between one call and byte-at-a-time")
    func lengthsAroundBlockBoundaries() {
        let message = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        for length in 0...300 {
            var hasher = SHA256()
            for byte in message[..<length] { hasher.update(CollectionOfOne(byte)) }
            #expect(hasher.finalize() == SHA256.hash(message[..<length]), "length \(length)")
        }
    }
}

@Suite("HMAC-SHA256")
struct HMACTests {
    @Test("every hash.json RFC 4231 vector", arguments: HashVectors.all.hmacSha256)
    func authenticationCode_matchesVector(_ vector: HashVectors.HMACVector) {
        let code = HMAC.authenticationCode(for: fromHex(vector.dataHex), key: fromHex(vector.keyHex))
        #expect(Hex.encode(code) == vector.hmacSha256)
    }
}

@Suite("Hex")
struct HexTests {
    @Test func encode_isLowercase() {
        #expect(Hex.encode([0x00, 0x0f, 0xab, 0xff]) == "000fabff")
        #expect(Hex.encode([UInt8]()) == "")
    }

    @Test func decode_roundTripsAndRejectsJunk() {
        #expect(Hex.decode("000FabFF") == [0x00, 0x0f, 0xab, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}
