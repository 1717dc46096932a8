import Foundation
import SandboxCrypto
import Testing

/// The files in `Vectors/RSA`: OpenSSL test keys, messages and `openssl dgst -sha256 -sign` signatures (its
/// README.md says how they were made; `Scripts/check-rsa-vectors.sh` proves the signatures are OpenSSL's).
enum RSAVectors {
    /// The key sizes, one key each.
    static let bitCounts = [2048, 3072, 4096]

    /// The signed messages, by file name in `messages/`.
    static let messageFiles = ["empty.bin", "abc.txt", "jwt-signing-input.txt", "100k.bin", "non-ascii.bin"]

    /// One private key file: a size in one of its two forms.
    struct KeyFile: CustomTestStringConvertible, Sendable {
        var bitCount: Int
        /// `pkcs1` or `pkcs8`.
        var form: String

        var testDescription: String { "rsa-\(bitCount).\(form).pem" }
        var pem: String { RSAVectors.text(testDescription) }
    }

    /// Every private key file: each size as PKCS#1 and as PKCS#8.
    static let keyFiles = bitCounts.flatMap { bits in ["pkcs1", "pkcs8"].map { KeyFile(bitCount: bits, form: $0) } }

    /// The bytes of `Vectors/RSA/<path>`.
    static func bytes(_ path: String) -> [UInt8] {
        do {
            let url = try #require(Bundle.module.resourceURL?.appendingPathComponent("Vectors/RSA/\(path)"))
            return [UInt8](try Data(contentsOf: url))
        } catch {
            fatalError("cannot load Vectors/RSA/\(path): \(error)")
        }
    }

    /// The text of `Vectors/RSA/<path>`.
    static func text(_ path: String) -> String {
        String(decoding: bytes(path), as: UTF8.self)
    }

    /// A message of `messages/`.
    static func message(_ file: String) -> [UInt8] {
        bytes("messages/\(file)")
    }

    /// OpenSSL's signature of a message with the key of `bitCount` bits.
    static func signature(bitCount: Int, message file: String) -> [UInt8] {
        bytes("signatures/rsa-\(bitCount).\(file.split(separator: ".")[0]).sig")
    }

    /// The public key of `bitCount` bits, from its SPKI PEM.
    static func publicKey(bitCount: Int) throws -> RSAPublicKey {
        try RSAPublicKey(pem: text("rsa-\(bitCount).spki.pem"))
    }

    /// The PKCS#1 private keys, read once: reading one costs a test signature, which a debug build makes slow.
    static let privateKeys: [Int: RSAPrivateKey] = {
        var keys: [Int: RSAPrivateKey] = [:]
        for bits in bitCounts {
            do {
                keys[bits] = try RSAPrivateKey(pem: text("rsa-\(bits).pkcs1.pem"))
            } catch {
                fatalError("cannot read rsa-\(bits).pkcs1.pem: \(error)")
            }
        }
        return keys
    }()

    /// The base64 body of a PEM file (its lines without the BEGIN/END lines and headers), for leak checks.
    static func base64Body(_ pem: String) -> String {
        pem.split(whereSeparator: \.isNewline)
            .filter { !$0.hasPrefix("-----") && !$0.contains(":") }
            .joined()
    }
}
