public import Foundation

/// Where ``GitHubClient`` keeps the validators of its reads, so an unchanged read is answered
/// `304 Not Modified`, which costs nothing against GitHub's rate limit.
///
/// For each URL it keeps the `ETag` and the body (and `Link` header) of the last `200`, because a
/// `304` carries no body: the client answers from the stored one. ``FileETagStore`` keeps them in
/// the state directory so they survive restarts; ``InMemoryETagStore`` is for tests.
///
/// A store is a cache: losing it costs rate limit, never correctness. Its methods therefore do
/// not throw; a store that cannot write keeps working from memory.
public protocol ETagStore: Sendable {
    /// The stored answer for `url`, if there is one.
    /// - Parameter url: The absolute URL the read was sent to, with its query.
    func entry(for url: String) -> ETagEntry?
    /// Stores (or replaces) the answer for `url`.
    /// - Parameters:
    ///   - entry: The validator and the body it stands for.
    ///   - url: The absolute URL the read was sent to, with its query.
    func save(_ entry: ETagEntry, for url: String)
    /// Forgets the answer for `url`.
    /// - Parameter url: The absolute URL.
    func removeEntry(for url: String)
}

/// One stored answer: the validator, and what it stands for.
public struct ETagEntry: Hashable, Sendable, Codable {
    /// The `ETag` header of the `200`, sent back as `If-None-Match`.
    public var etag: String
    /// The body of the `200`.
    public var body: Data
    /// The `Link` header of the `200`, if any: a `304` may not repeat it, and pagination needs it.
    public var link: String?

    /// Creates an entry.
    /// - Parameters:
    ///   - etag: The `ETag` header value.
    ///   - body: The body it stands for.
    ///   - link: The `Link` header value, if any.
    public init(etag: String, body: Data, link: String? = nil) {
        self.etag = etag
        self.body = body
        self.link = link
    }

    private enum CodingKeys: String, CodingKey {
        case etag, body, bodyBase64, link
    }

    /// Decodes an entry whose body is text (`body`) or, when it is not UTF-8, base64 (`bodyBase64`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        etag = try container.decode(String.self, forKey: .etag)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        if let text = try container.decodeIfPresent(String.self, forKey: .body) {
            body = Data(text.utf8)
        } else {
            body = try container.decode(Data.self, forKey: .bodyBase64)
        }
    }

    /// Encodes the body as text when it is UTF-8 (GitHub's JSON always is), else as base64.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(etag, forKey: .etag)
        try container.encodeIfPresent(link, forKey: .link)
        if let text = String(data: body, encoding: .utf8) {
            try container.encode(text, forKey: .body)
        } else {
            try container.encode(body, forKey: .bodyBase64)
        }
    }
}
