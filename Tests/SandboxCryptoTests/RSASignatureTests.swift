@testable import SandboxCrypto
import Testing

@Suite("RSA signatures (RS256) against OpenSSL")
struct RSASignatureTests {
    @Test("our signature is OpenSSL's, byte for byte, for every message", arguments: RSAVectors.keyFiles)
    func signature_equalsOpenSSL(_ file: RSAVectors.KeyFile) throws {
        let key = try RSAPrivateKey(pem: file.pem)
        #expect(key.bitCount == file.bitCount)
        for message in RSAVectors.messageFiles {
            let signature = try key.signatureSHA256(for: RSAVectors.message(message))
            #expect(signature == RSAVectors.signature(bitCount: file.bitCount, message: message), "\(message)")
        }
    }

    @Test("a non-contiguous sequence signs like the array of its bytes")
    func signature_ofLazySequence() throws {
        let key = try #require(RSAVectors.privateKeys[2048])
        let message = RSAVectors.message("abc.txt")
        #expect(
            try key.signatureSHA256(for: message.lazy.map { $0 })
                == RSAVectors.signature(bitCount: 2048, message: "abc.txt")
        )
    }

    @Test("the private key's public key is the SPKI file's", arguments: RSAVectors.bitCounts)
    func publicKey_equalsSPKI(_ bits: Int) throws {
        let key = try #require(RSAVectors.privateKeys[bits])
        let spki = try RSAVectors.publicKey(bitCount: bits)
        #expect(key.publicKey == spki)
        #expect(key.publicKey.hashValue == spki.hashValue)
        #expect(spki.bitCount == bits)
    }

    @Test("a PKCS#1 RSA PUBLIC KEY reads as the same key as the SPKI PUBLIC KEY")
    func publicKey_pkcs1EqualsSPKI() throws {
        #expect(
            try RSAPublicKey(pem: RSAVectors.text("rsa-2048.pkcs1-public.pem")) == RSAVectors.publicKey(bitCount: 2048)
        )
    }

    @Test("verification accepts every OpenSSL signature", arguments: RSAVectors.bitCounts)
    func verify_acceptsOpenSSL(_ bits: Int) throws {
        let key = try RSAVectors.publicKey(bitCount: bits)
        for message in RSAVectors.messageFiles {
            #expect(
                key.isValidSignatureSHA256(
                    RSAVectors.signature(bitCount: bits, message: message),
                    for: RSAVectors.message(message)
                ),
                "\(message)"
            )
        }
    }

    @Test("verification refuses a flipped bit, another message, another key and a wrong length")
    func verify_refusesTampering() throws {
        let key = try RSAVectors.publicKey(bitCount: 2048)
        let message = RSAVectors.message("jwt-signing-input.txt")
        let signature = RSAVectors.signature(bitCount: 2048, message: "jwt-signing-input.txt")
        #expect(key.isValidSignatureSHA256(signature, for: message))

        for (byte, bit) in [(0, 7), (0, 0), (100, 3), (255, 0)] {
            var flipped = signature
            flipped[byte] ^= 1 << bit
            #expect(!key.isValidSignatureSHA256(flipped, for: message), "byte \(byte) bit \(bit)")
        }
        #expect(!key.isValidSignatureSHA256(signature, for: message.dropLast()))
        #expect(!key.isValidSignatureSHA256(signature, for: RSAVectors.message("abc.txt")))
        #expect(!RFC7515.publicKey.isValidSignatureSHA256(signature, for: message))
        #expect(!(try RSAVectors.publicKey(bitCount: 3072)).isValidSignatureSHA256(signature, for: message))
        #expect(!key.isValidSignatureSHA256(Array(signature.dropLast()), for: message))
        #expect(!key.isValidSignatureSHA256([0] + signature, for: message))
        #expect(!key.isValidSignatureSHA256([], for: message))
        #expect(!key.isValidSignatureSHA256([UInt8](repeating: 0xff, count: 256), for: message), "s ≥ n")
    }

    @Test("verification refuses a block that is not the exact EMSA-PKCS1-v1_5 encoding")
    func verify_refusesOtherEncodings() throws {
        // Blocks a lax verifier might accept, raised to d with the private key (no padding check on that side).
        let key = RFC7515.privateKey
        let message = Array("one message".utf8)
        let digest = SHA256.hash(message)
        let prefix = PKCS1SignaturePadding.sha256DigestInfoPrefix
        // DigestInfo without the NULL parameters (30 2f 30 0b 06 09 … 04 20).
        let withoutNull: [UInt8] = [0x30, 0x2f, 0x30, 0x0b] + prefix[4..<15] + [0x04, 0x20] + digest
        // The right DigestInfo, followed by garbage instead of ending the block (Bleichenbacher's 2006 forgery).
        let trailing = prefix + digest + [UInt8](repeating: 0x42, count: 20)
        let blocks = [
            [0x00, 0x01] + [UInt8](repeating: 0xff, count: 256 - 3 - withoutNull.count) + [0x00] + withoutNull,
            [0x00, 0x01] + [UInt8](repeating: 0xff, count: 256 - 3 - trailing.count) + [0x00] + trailing,
            [0x00, 0x02] + [UInt8](repeating: 0xff, count: 256 - 54) + [0x00] + prefix + digest,
        ]
        for (index, block) in blocks.enumerated() {
            let representative = try #require(Limbs.fromBigEndian(block, count: 32))
            let signature = Limbs.bigEndianBytes(key.privateOperation(representative), byteCount: 256)
            #expect(!key.publicKey.isValidSignatureSHA256(signature, for: message), "block \(index)")
        }
        #expect(key.publicKey.isValidSignatureSHA256(try key.signatureSHA256(for: message), for: message))
    }
}
