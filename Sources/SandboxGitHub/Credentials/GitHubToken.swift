import Foundation

/// The token sandboxd authenticates to GitHub with, sent as `Authorization: Bearer <token>`.
///
/// Its ``description`` is `<redacted>` and its mirror is empty, so interpolating or dumping it never
/// leaks it; only ``GitHubClient`` reads the value.
public struct GitHubToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself.
    let value: String

    /// Wraps a token, trimming surrounding whitespace.
    /// - Parameter value: The token.
    /// - Throws: ``GitHubConfigurationError`` (`invalidToken`) when it is empty or holds whitespace or
    ///   control characters inside (a token never does; a file with two lines is a mistake).
    public init(_ value: String) throws(GitHubConfigurationError) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw GitHubConfigurationError(.invalidToken, "the GitHub token is empty")
        }
        guard trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw GitHubConfigurationError(
                .invalidToken,
                "the GitHub token holds spaces, line breaks or non-ASCII characters: it must be one token on one line"
            )
        }
        self.value = trimmed
    }

    /// `<redacted>`: the token never appears in output.
    public var description: String { "<redacted>" }

    /// `GitHubToken(<redacted>)`.
    public var debugDescription: String { "GitHubToken(<redacted>)" }

    /// No children: `dump` and debuggers show no value either.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
