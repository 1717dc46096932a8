/// The repository sandboxd watches, `OWNER/NAME` (`--github-repository`, `GITHUB_REPOSITORY`).
///
/// Both parts are checked against GitHub's naming rules, loosely: an owner is 1–39 letters, digits
/// and hyphens, not starting with a hyphen; a repository name is 1–100 letters, digits, `.`, `-`
/// and `_`, and not `.` or `..`. They go into URL paths, so nothing else is let through.
public struct GitHubRepository: Hashable, Sendable, CustomStringConvertible {
    /// The owning user or organization.
    public let owner: String
    /// The repository's name.
    public let name: String

    /// Parses `OWNER/NAME`.
    /// - Parameter text: The repository as `OWNER/NAME`.
    /// - Throws: ``GitHubConfigurationError`` with code `invalidRepository` when it is not of that form.
    public init(_ text: String) throws(GitHubConfigurationError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, Self.isOwner(parts[0]), Self.isName(parts[1]) else {
            throw GitHubConfigurationError(
                .invalidRepository,
                "the GitHub repository \"\(text)\" is not of the form OWNER/NAME: set --github-repository "
                    + "or GITHUB_REPOSITORY to e.g. octo-org/sandboxes"
            )
        }
        owner = parts[0]
        name = parts[1]
    }

    /// `OWNER/NAME`.
    public var description: String { "\(owner)/\(name)" }

    /// Whether `text` can be a user or organization login.
    static func isOwner(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        return (1...39).contains(scalars.count) && scalars[0] != "-"
            && scalars.allSatisfy { isASCIIAlphanumeric($0) || $0 == "-" }
    }

    /// Whether `text` can be a repository name.
    static func isName(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        return (1...100).contains(scalars.count) && text != "." && text != ".."
            && scalars.allSatisfy { isASCIIAlphanumeric($0) || $0 == "." || $0 == "-" || $0 == "_" }
    }

    /// `[A-Za-z0-9]`.
    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
