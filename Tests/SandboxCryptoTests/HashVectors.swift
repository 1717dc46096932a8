import Foundation
import Testing

/// The vectors in `Vectors/hash.json` (FIPS 180-4 examples, block-boundary lengths, RFC 4231).
struct HashVectors: Decodable {
    struct Repeat: Decodable {
        var byte: String
        var count: Int
    }

    struct SHA256Vector: Decodable, CustomTestStringConvertible, Sendable {
        var name: String
        var messageHex: String?
        var messageRepeat: Repeat?
        var sha256: String

        var testDescription: String { name }

        /// The message bytes, built from `message_hex` or `message_repeat`.
        var message: [UInt8] {
            if let messageRepeat {
                return [UInt8](repeating: fromHex(messageRepeat.byte)[0], count: messageRepeat.count)
            }
            return fromHex(messageHex ?? "")
        }
    }

    struct HMACVector: Decodable, CustomTestStringConvertible, Sendable {
        var name: String
        var keyHex: String
        var dataHex: String
        var hmacSha256: String

        var testDescription: String { name }
    }

    var sha256: [SHA256Vector]
    var hmacSha256: [HMACVector]

    static let all: HashVectors = {
        do {
            let url = try #require(
                Bundle.module.url(forResource: "hash", withExtension: "json", subdirectory: "Vectors")
            )
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(HashVectors.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot load Vectors/hash.json: \(error)")
        }
    }()
}

extension HashVectors.Repeat: Sendable {}

/// Test-side hex decoding, independent of the code under test.
func fromHex(_ hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        bytes.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}
