import Foundation
import SandboxCrypto

extension SigV4Signer {
    /// Header names the signer sets itself; values already on the request are dropped.
    static let replacedHeaderNames: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token"]

    /// SHA-256 of an empty body, the payload hash of bodiless requests.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Builds the canonical request for `request` with the signer's own headers added.
    static func canonicalRequest(
        for request: SigV4Request,
        adding added: [(name: String, value: String)]
    ) -> (request: String, signedHeaders: String) {
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        // Lowercased name → values in order of appearance (repeated headers are joined with commas).
        var signed: [String: [String]] = ["host": [hostHeader(for: components)]]
        var payloadHash: String?
        // `content-type` and `x-amz-*` are signed; `host` always is, but from the URL rather than from a header.
        for (name, value) in request.headers {
            let lowercased = name.lowercased()
            guard lowercased == "content-type" || lowercased.hasPrefix("x-amz-"),
                !replacedHeaderNames.contains(lowercased)
            else { continue }
            signed[lowercased, default: []].append(value)
            if lowercased == "x-amz-content-sha256" { payloadHash = value }
        }
        for (name, value) in added {
            signed[name.lowercased(), default: []].append(value)
        }
        let names = signed.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var canonicalHeaders = ""
        for name in names {
            let values = signed[name]!.map(trimAll).joined(separator: ",")
            canonicalHeaders += "\(name):\(values)\n"
        }
        let signedHeaders = names.joined(separator: ";")
        let canonical = [
            request.method.uppercased(),
            canonicalURI(percentEncodedPath: components?.percentEncodedPath ?? ""),
            canonicalQuery(percentEncodedQuery: components?.percentEncodedQuery),
            canonicalHeaders,
            signedHeaders,
            payloadHash ?? (request.body.isEmpty ? emptyPayloadHash : Hex.encode(SHA256.hash(request.body))),
        ].joined(separator: "\n")
        return (canonical, signedHeaders)
    }

    /// The `host` value botocore signs: lowercase host, IPv6 in brackets, `:port` only when it is not the scheme's
    /// default, no user info.
    static func hostHeader(for components: URLComponents?) -> String {
        guard let components, var host = components.host?.lowercased() else { return "" }
        if host.contains(":") && !host.hasPrefix("[") {
            host = "[\(host)]"
        }
        let defaultPort = ["http": 80, "https": 443][components.scheme?.lowercased() ?? ""]
        if let port = components.port, port != defaultPort {
            host += ":\(port)"
        }
        return host
    }

    /// The path with dot segments and empty segments removed, then percent-encoded once more (only `A-Za-z0-9-_.~/`
    /// stay as they are). An empty path is `/`.
    static func canonicalURI(percentEncodedPath path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                _ = segments.popLast()
            } else {
                segments.append(segment)
            }
        }
        var normalized = path.hasPrefix("/") ? "/" : ""
        normalized += segments.joined(separator: "/")
        if path.hasSuffix("/") && !segments.isEmpty {
            normalized += "/"
        }
        return percentEncode(normalized, keeping: "/~")
    }

    /// The query's `key=value` pairs sorted by key, then value, as they appear in the URL (botocore does not
    /// re-encode a query that came with the URL).
    static func canonicalQuery(percentEncodedQuery query: String?) -> String {
        guard let query, !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> (String, String) in
            guard let equals = pair.firstIndex(of: "=") else { return (String(pair), "") }
            return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
        }
        return
            pairs
            .sorted { lhs, rhs in
                lhs.0 == rhs.0
                    ? lhs.1.utf8.lexicographicallyPrecedes(rhs.1.utf8)
                    : lhs.0.utf8.lexicographicallyPrecedes(rhs.0.utf8)
            }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Trims a header value and collapses internal runs of whitespace to one space.
    static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Percent-encodes the UTF-8 bytes of `text`, keeping unreserved characters (`A-Za-z0-9-_.~`) and `extra`.
    static func percentEncode(_ text: String, keeping extra: String) -> String {
        var kept = CharacterSet(charactersIn: "-_.~" + extra)
        kept.formUnion(CharacterSet(charactersIn: "a"..."z").union(CharacterSet(charactersIn: "A"..."Z")))
        kept.formUnion(CharacterSet(charactersIn: "0"..."9"))
        return text.addingPercentEncoding(withAllowedCharacters: kept) ?? text
    }
}
