import Foundation

extension GitRemote {
    /// The GitHub repository an https remote names, so that its branch can be watched through the API.
    ///
    /// `https://github.com/octo-org/sandboxes.git` on `github.com` gives `octo-org/sandboxes`; a trailing
    /// `.git` or `/` is optional and the host is compared ignoring case.
    /// - Parameter webHost: GitHub's web host: `github.com`, or a GitHub Enterprise Server's host (with
    ///   its port when it has one).
    /// An `http://` remote on the loopback address (a GitHub Enterprise Server on this machine, or a test's
    /// fake) is matched the same way.
    /// - Returns: `OWNER/NAME`, or `nil` for an ssh or file remote, another host, or a path that is not
    ///   `/OWNER/NAME`.
    public func gitHubRepository(webHost: String) -> String? {
        guard transport == .https || transport == .loopbackHTTP, let components = URLComponents(string: url),
            let host = components.host
        else {
            return nil
        }
        let authority = components.port.map { "\(host):\($0)" } ?? host
        guard authority.lowercased() == webHost.lowercased() else { return nil }
        var path = components.path
        if path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix(".git") { path.removeLast(4) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard path.hasPrefix("/"), parts.count == 2, let owner = parts.first, let name = parts.last,
            (1...39).contains(owner.count), !owner.hasPrefix("-"),
            owner.unicodeScalars.allSatisfy({ GitRemote.isNameScalar($0) && $0 != "." && $0 != "_" }),
            (1...100).contains(name.count), name != ".", name != "..",
            name.unicodeScalars.allSatisfy({ GitRemote.isNameScalar($0) })
        else { return nil }
        return "\(owner)/\(name)"
    }
}
