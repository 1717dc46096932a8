import Foundation

extension GitRemote {
    /// What every URL message ends with: the forms sandboxd follows.
    private static let urlForms =
        "use https://HOST/OWNER/REPO.git, ssh://[USER@]HOST/PATH, USER@HOST:PATH or file:///PATH (--git-remote)"

    /// The transport of `url`, when it is a URL sandboxd follows.
    static func transport(of url: String) throws(GitError) -> GitTransport {
        guard !url.isEmpty, url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw GitError(
                .invalidSettings,
                "the git remote is empty or holds spaces or control characters; \(urlForms)"
            )
        }
        guard let schemeEnd = url.range(of: "://") else { return try scpLikeTransport(of: url) }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == scheme else {
            throw GitError(.invalidSettings, "the git remote \"\(url)\" is not a valid URL; \(urlForms)")
        }
        if components.password != nil || (components.user != nil && scheme != "ssh") {
            // The URL is not quoted: it holds a secret.
            throw GitError(
                .invalidSettings,
                "the git remote URL holds credentials (USER:PASSWORD@): remove them; sandboxd gives git its own"
                    + " GitHub token (--github-token-file, GITHUB_TOKEN or the GitHub App) for https remotes"
            )
        }
        guard components.query == nil, components.fragment == nil else {
            throw GitError(.invalidSettings, "the git remote \"\(url)\" has a query or fragment; \(urlForms)")
        }
        let host = components.host ?? ""
        switch scheme {
        case "https", "ssh":
            try requireHostAndPath(host: host, path: components.path, url: url)
            return scheme == "https" ? .https : .ssh
        case "http":
            try requireHostAndPath(host: host, path: components.path, url: url)
            guard ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host.lowercased()) else {
                throw GitError(
                    .invalidSettings,
                    "the git remote \"\(url)\" uses http:// to another machine; use https:// (http:// is only for"
                        + " the loopback address) (--git-remote)"
                )
            }
            return .loopbackHTTP
        case "file":
            guard host.isEmpty, components.path.hasPrefix("/"), components.path.count > 1 else {
                throw GitError(.invalidSettings, "the git remote \"\(url)\" names no absolute path; \(urlForms)")
            }
            return .file
        default:
            throw GitError(.invalidSettings, "the git remote \"\(url)\" uses \(scheme)://; \(urlForms)")
        }
    }

    /// `[USER@]HOST:PATH`, as git reads a remote without a scheme whose first colon comes before any slash.
    private static func scpLikeTransport(of url: String) throws(GitError) -> GitTransport {
        guard let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") else {
            throw GitError(.invalidSettings, "the git remote \"\(url)\" is not a URL; \(urlForms)")
        }
        let authority = url[..<colon]
        let path = url[url.index(after: colon)...]
        let parts = authority.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw GitError(.invalidSettings, "the git remote \"\(url)\" has more than one @; \(urlForms)")
        }
        let user = parts.count == 2 ? parts[0] : "git"
        guard isHostName(parts[parts.count - 1]), !user.isEmpty,
            user.unicodeScalars.allSatisfy({ isNameScalar($0) }), !path.isEmpty, !path.hasPrefix("-")
        else {
            throw GitError(.invalidSettings, "the git remote \"\(url)\" is not USER@HOST:PATH; \(urlForms)")
        }
        return .ssh
    }

    private static func requireHostAndPath(host: String, path: String, url: String) throws(GitError) {
        guard isHostName(host[...]) || host.hasPrefix("[") || host.contains(":") else {
            throw GitError(.invalidSettings, "the git remote \"\(url)\" names no valid host; \(urlForms)")
        }
        guard path.count > 1 else {
            throw GitError(.invalidSettings, "the git remote \"\(url)\" names no repository; \(urlForms)")
        }
    }

    /// A DNS name or IPv4 address: letters, digits, `.`, `-` and `_`, not starting with `-` (git would
    /// hand such a host to ssh as an option).
    private static func isHostName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-", first != "." else { return false }
        return text.unicodeScalars.allSatisfy { isNameScalar($0) }
    }

    /// `[A-Za-z0-9._-]`.
    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "." || scalar == "-" || scalar == "_"
    }

    /// The branch without `refs/heads/`, checked as `git check-ref-format --branch` would.
    static func normalizedBranch(_ branch: String?) throws(GitError) -> String? {
        guard let given = branch, !given.isEmpty else { return nil }
        let name = given.hasPrefix("refs/heads/") ? String(given.dropFirst("refs/heads/".count)) : given
        let forbidden: Set<Unicode.Scalar> = [" ", "~", "^", ":", "?", "*", "[", "\\"]
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        let valid =
            !name.isEmpty && name != "@" && !name.hasPrefix("-") && !name.contains("..") && !name.contains("@{")
            && name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && !forbidden.contains($0) }
            && components.allSatisfy { !$0.isEmpty && !$0.hasPrefix(".") && !$0.hasSuffix(".lock") }
            && !name.hasSuffix(".")
        guard valid else {
            throw GitError(
                .invalidSettings,
                "the git branch \"\(given)\" is not a valid branch name; name a branch of the remote, e.g. main"
                    + " (--git-branch)"
            )
        }
        return name
    }

    /// The folder relative to the repository's root without `.`, empty components or a trailing slash.
    static func normalizedPath(_ path: String) throws(GitError) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        guard !path.hasPrefix("/"), !components.contains(".."),
            path.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else {
            throw GitError(
                .invalidSettings,
                "the git path \"\(path)\" must be a folder relative to the repository's root without .. (e.g."
                    + " desired-state, or . for the root) (--git-path)"
            )
        }
        return components.joined(separator: "/")
    }
}
