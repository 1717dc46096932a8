/// What a git child that talks to the remote is given to answer for credentials.
struct GitRemoteAccess: Sendable {
    /// Nothing: a local command, an ssh or file remote, or no token.
    static let none = GitRemoteAccess(environment: [:], secrets: [])

    /// `GIT_ASKPASS`, the askpass marker and the token (``GitAskPass``).
    var environment: [String: String]
    /// The token, scrubbed from git's error output.
    var secrets: [String]

    /// The askpass environment that hands `token` to git through `askPassExecutable`.
    static func askPass(token: String, askPassExecutable: String) -> GitRemoteAccess {
        GitRemoteAccess(
            environment: [
                "GIT_ASKPASS": askPassExecutable,
                GitAskPass.markerVariable: "1",
                GitAskPass.tokenVariable: token,
            ],
            secrets: [token]
        )
    }
}
