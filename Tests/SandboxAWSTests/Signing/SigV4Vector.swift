import Foundation
import SandboxAWS
import Testing

/// One entry of `Fixtures/sigv4.json` (the shared botocore vectors) or `Fixtures/sigv4-edge-cases.json`
/// (canonicalization edge cases generated with the same botocore 1.43.11 `SigV4Auth`).
struct SigV4Vector: Decodable, Sendable, CustomTestStringConvertible {
    struct Credentials: Decodable, Sendable {
        var accessKeyId: String
        var secretAccessKey: String
        var sessionToken: String?
    }

    struct Inputs: Decodable, Sendable {
        var method: String
        var url: String
        var region: String
        var service: String
        var timestamp: String
        var credentials: Credentials
        var headersBeforeSigning: Headers
        var bodyUtf8: String
    }

    /// Headers as either a JSON object (sigv4.json) or a list of `[name, value]` pairs (edge cases, where order
    /// and repetition matter).
    struct Headers: Decodable, Sendable {
        var pairs: [(String, String)]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let list = try? container.decode([[String]].self) {
                pairs = list.map { ($0[0], $0[1]) }
            } else {
                pairs = try container.decode([String: String].self).sorted { $0.key < $1.key }.map {
                    ($0.key, $0.value)
                }
            }
        }
    }

    var name: String
    var inputs: Inputs
    var canonicalRequest: String
    var stringToSign: String
    var signingKeyHex: String
    var signature: String
    var authorization: String
    var headersAfterSigning: [String: String]?

    var testDescription: String { name }

    var request: SigV4Request {
        SigV4Request(
            method: inputs.method,
            url: URL(string: inputs.url)!,
            headers: inputs.headersBeforeSigning.pairs,
            body: Array(inputs.bodyUtf8.utf8)
        )
    }

    var credentials: AWSCredentials {
        AWSCredentials(
            accessKeyId: inputs.credentials.accessKeyId,
            secretAccessKey: inputs.credentials.secretAccessKey,
            sessionToken: inputs.credentials.sessionToken
        )
    }

    /// The vector's timestamp as a `Date`.
    var date: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let digits = Array(inputs.timestamp.utf8)
        func number(_ range: Range<Int>) -> Int { Int(String(decoding: digits[range], as: UTF8.self))! }
        let components = DateComponents(
            year: number(0..<4),
            month: number(4..<6),
            day: number(6..<8),
            hour: number(9..<11),
            minute: number(11..<13),
            second: number(13..<15)
        )
        return calendar.date(from: components)!
    }

    private struct File: Decodable {
        var vectors: [SigV4Vector]
    }

    static func load(_ name: String) -> [SigV4Vector] {
        do {
            let url = try #require(
                Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures")
            )
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(File.self, from: Data(contentsOf: url)).vectors
        } catch {
            fatalError("cannot load Fixtures/\(name).json: \(error)")
        }
    }

    static let shared = load("sigv4")
    static let edgeCases = load("sigv4-edge-cases")
}
