import Foundation

/// The parts of GitHub's JSON answers sandboxd reads (REST API version 2022-11-28).
///
/// Only what is used is declared, so added fields never break decoding; fields GitHub documents
/// as nullable are optional.
enum GitHubPayload {
    /// A user, bot or organization as embedded in other objects (`user`, `author`).
    struct Account: Decodable, Sendable, Hashable {
        var login: String
        var id: Int64
        var type: String?
    }

    /// `GET /users/{username}` and `GET /user`.
    struct User: Decodable, Sendable, Hashable {
        var login: String
        var id: Int64
        var type: String
        var createdAt: String?

        enum CodingKeys: String, CodingKey {
            case login, id, type
            case createdAt = "created_at"
        }
    }

    /// `GET /repos/{owner}/{repo}/pulls/{number}`.
    struct PullRequest: Decodable, Sendable, Hashable {
        var number: Int
        var user: Account?
        var merged: Bool?
        var mergedAt: String?
        var closedAt: String?
        var changedFiles: Int?

        enum CodingKeys: String, CodingKey {
            case number, user, merged
            case mergedAt = "merged_at"
            case closedAt = "closed_at"
            case changedFiles = "changed_files"
        }

        /// Whether GitHub says it is merged (`merged`, or a `merged_at` time).
        var isMerged: Bool { merged == true || mergedAt != nil }
    }

    /// One entry of `GET /repos/{owner}/{repo}/pulls/{number}/files`.
    struct ChangedFile: Decodable, Sendable, Hashable {
        var filename: String
        var status: String
        var previousFilename: String?

        enum CodingKeys: String, CodingKey {
            case filename, status
            case previousFilename = "previous_filename"
        }
    }

    /// `GET /orgs/{org}/memberships/{username}`.
    struct Membership: Decodable, Sendable, Hashable {
        var state: String
        var role: String?
    }

    /// An issue comment (list, create).
    struct Comment: Decodable, Sendable, Hashable {
        var id: Int64
        var body: String?
        var user: Account?
        var htmlURL: String?

        enum CodingKeys: String, CodingKey {
            case id, body, user
            case htmlURL = "html_url"
        }
    }

    /// `GET /repos/{owner}/{repo}` (and `GET /repositories/{id}`).
    struct Repository: Decodable, Sendable, Hashable {
        var id: Int64
        var fullName: String?

        enum CodingKeys: String, CodingKey {
            case id
            case fullName = "full_name"
        }
    }

    /// `GET /repos/{owner}/{repo}/branches/{branch}`.
    struct Branch: Decodable, Sendable, Hashable {
        struct Commit: Decodable, Sendable, Hashable {
            var sha: String
        }

        var commit: Commit
    }

    /// `GET /app`: the App the JWT is for.
    struct App: Decodable, Sendable, Hashable {
        var id: Int64?
        var slug: String
    }

    /// `GET /repos/{owner}/{repo}/installation` and `GET /app/installations/{id}`.
    struct Installation: Decodable, Sendable, Hashable {
        var id: Int64
        var account: Account?
        var permissions: [String: String]?
    }

    /// `POST /app/installations/{id}/access_tokens`.
    struct InstallationToken: Decodable, Sendable {
        var token: String
        var expiresAt: String?
        var permissions: [String: String]?

        enum CodingKeys: String, CodingKey {
            case token, permissions
            case expiresAt = "expires_at"
        }
    }

    /// The body of a comment create or edit.
    struct CommentBody: Encodable, Sendable {
        var body: String
    }
}
