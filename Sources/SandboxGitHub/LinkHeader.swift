import Foundation

/// Reads GitHub's pagination header: `Link: <https://…&page=2>; rel="next", <https://…>; rel="last"`.
///
/// GitHub says to follow these URLs rather than build page URLs (reference/github.md §3).
enum LinkHeader {
    /// The URL with `rel="next"`, if any.
    static func next(in header: String?) -> URL? {
        guard let header else { return nil }
        for link in header.split(separator: ",") {
            let parts = link.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = parts.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            let isNext = parts.dropFirst().contains { parameter in
                let pair = parameter.split(separator: "=", maxSplits: 1).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                guard pair.count == 2, pair[0].lowercased() == "rel" else { return false }
                let relations = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return relations.split(separator: " ").contains("next")
            }
            if isNext {
                return URL(string: String(target.dropFirst().dropLast()))
            }
        }
        return nil
    }
}
