import Foundation

/// The parts of GitHub's answers the forecasts read and write (docs/behaviour.md §6.9).
extension GitHubPayload {
    /// One entry of `GET /repos/{owner}/{repo}/pulls?state=open`.
    struct OpenPull: Decodable, Sendable, Hashable {
        struct Head: Decodable, Sendable, Hashable {
            var sha: String
        }

        var number: Int
        var user: Account?
        var head: Head
    }

    /// `GET /repos/{owner}/{repo}/contents/{path}?ref=…` for a file: base64 content (empty, with
    /// `encoding` `none`, over 1 MB).
    struct Content: Decodable, Sendable, Hashable {
        var type: String
        var size: Int?
        var encoding: String?
        var content: String?
    }

    /// One entry of `GET /repos/{owner}/{repo}/commits/{sha}/statuses` (newest first).
    struct CommitStatus: Decodable, Sendable, Hashable {
        var state: String
        var description: String?
        var context: String?
    }

    /// The body of `POST /repos/{owner}/{repo}/statuses/{sha}`.
    struct StatusBody: Encodable, Sendable {
        var state: String
        var description: String
        var context: String
    }
}
