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

    /// Finds the token as docs/behaviour.md §4 says: the file `file` (`--github-token-file`) when given, else the
    /// `GITHUB_TOKEN` environment variable, else `$CREDENTIALS_DIRECTORY/github-token` (systemd's
    /// `LoadCredential=github-token:…`) when that file exists.
    ///
    /// A file's content is trimmed of surrounding whitespace (a trailing newline is usual).
    /// - Parameters:
    ///   - file: The path given with `--github-token-file`, if any.
    ///   - environment: The process environment (`ProcessInfo.processInfo.environment`).
    /// - Returns: The token.
    /// - Throws: ``GitHubConfigurationError``: `missingToken` when none of the three is set,
    ///   `unreadableTokenFile` naming the file that cannot be read, `invalidToken` naming where an
    ///   empty or malformed token came from.
    public static func load(
        file: String?,
        environment: [String: String]
    ) throws(GitHubConfigurationError)
        -> GitHubToken
    {
        if let file, !file.isEmpty {
            return try read(file: file, setting: "--github-token-file")
        }
        if let value = environment["GITHUB_TOKEN"], !value.isEmpty {
            do {
                return try GitHubToken(value)
            } catch {
                throw GitHubConfigurationError(error.code, "GITHUB_TOKEN: \(error.message)")
            }
        }
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let path = URL(fileURLWithPath: directory).appendingPathComponent("github-token").path
            if FileManager.default.fileExists(atPath: path) {
                return try read(file: path, setting: "$CREDENTIALS_DIRECTORY/github-token")
            }
        }
        throw GitHubConfigurationError(
            .missingToken,
            "no GitHub token: set --github-token-file PATH, or GITHUB_TOKEN, or LoadCredential=github-token:PATH "
                + "in the systemd unit (or use --local)"
        )
    }

    private static func read(file: String, setting: String) throws(GitHubConfigurationError) -> GitHubToken {
        var isDirectory: ObjCBool = false
        let manager = FileManager.default
        guard manager.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = manager.contents(atPath: file)
        else {
            let reason =
                !manager.fileExists(atPath: file)
                ? "it does not exist"
                : isDirectory.boolValue
                    ? "it is a directory"
                    : !manager.isReadableFile(atPath: file) ? "permission denied" : "it cannot be read"
            throw GitHubConfigurationError(
                .unreadableTokenFile,
                "cannot read the GitHub token file \(file) (\(setting)): \(reason); check the path and its permissions"
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GitHubConfigurationError(
                .invalidToken,
                "the GitHub token file \(file) (\(setting)) is not UTF-8 text"
            )
        }
        do {
            return try GitHubToken(text)
        } catch {
            throw GitHubConfigurationError(error.code, "the GitHub token file \(file) (\(setting)): \(error.message)")
        }
    }
}
