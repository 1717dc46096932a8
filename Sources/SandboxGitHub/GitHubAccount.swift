/// A GitHub account as sandboxd knows it: the durable numeric id and the login it has now.
///
/// Logins can be renamed and reused; the id cannot, so identity is always the id.
public struct GitHubAccount: Hashable, Sendable, Codable, CustomStringConvertible {
    /// GitHub's numeric id.
    public var id: Int64
    /// The login at the time it was read.
    public var login: String

    /// Creates an account value.
    /// - Parameters:
    ///   - id: GitHub's numeric id.
    ///   - login: The login.
    public init(id: Int64, login: String) {
        self.id = id
        self.login = login
    }

    /// `login (id N)`.
    public var description: String { "\(login) (id \(id))" }
}
