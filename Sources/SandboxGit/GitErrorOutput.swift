import Foundation

/// Reads git's error output (English: children run with `LC_ALL=C`): which ``GitError/Kind`` it tells
/// of, and a short quote of it that holds no secret.
enum GitErrorOutput {
    /// The longest quote of git's error output in a message.
    static let excerptLimit = 240

    /// Words of git, curl or ssh saying the credentials were refused or missing.
    static let authenticationSigns = [
        "authentication failed", "could not read username", "could not read password", "terminal prompts disabled",
        "permission denied (", "host key verification failed", "returned error: 401", "returned error: 403",
        "invalid username or password", "access denied", "askpass",
    ]
    /// Words saying the branch is not on the remote.
    static let branchSigns = ["couldn't find remote ref", "remote branch", "no such ref"]
    /// Words saying the local clone is broken; only lines not from the remote (`remote: …`) count.
    static let damageSigns = [
        "not a git repository", "invalid gitfile format", "bad object", "corrupt", "missing blob", "missing tree",
        "missing commit", "unable to read", "inflate", "invalid sha1 pointer", "broken link", "bad tree",
        "unable to unpack", "did not send all necessary objects", "could not parse object",
        "does not point to a valid object", "broken ref", "bad ref", "packfile", "loose object", "object file",
        "unable to parse", "cannot lock ref", ".lock': file exists", "bad config",
    ]
    /// Words saying the remote did not answer or is not there.
    static let unreachableSigns = [
        "does not appear to be a git repository", "could not read from remote repository", "not found",
        "could not resolve", "connection refused", "timed out", "failed to connect", "could not connect",
        "network is unreachable", "no route to host", "unable to access", "rpc failed", "early eof",
        "hung up unexpectedly", "ssl", "tls", "connection reset", "returned error: 5", "name or service not known",
        "temporary failure in name resolution", "no such file or directory",
    ]

    /// The kind of fault git's error output tells of, or `nil` when it is none sandboxd recognizes.
    ///
    /// Credentials come first (ssh says "Could not read from remote repository" after refusing a key),
    /// then a missing branch, then a damaged clone, then an unreachable remote.
    static func kind(of text: String) -> GitError.Kind? {
        let all = text.lowercased()
        let local = all.split(separator: "\n").filter { !$0.hasPrefix("remote:") }.joined(separator: "\n")
        if authenticationSigns.contains(where: { all.contains($0) }) { return .authentication }
        if branchSigns.contains(where: { all.contains($0) }) { return .branchMissing }
        if damageSigns.contains(where: { local.contains($0) }) { return .damaged }
        if unreachableSigns.contains(where: { all.contains($0) }) { return .unreachable }
        return nil
    }

    /// The lines of `text` that say what failed (`fatal:`, `error:`, `remote:`, or else the last ones),
    /// joined with `; ` and cut to ``excerptLimit`` characters. `text` is already scrubbed.
    static func excerpt(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("hint:") }
        let telling = lines.filter { $0.hasPrefix("fatal:") || $0.hasPrefix("error:") || $0.hasPrefix("remote:") }
        let quoted = (telling.isEmpty ? Array(lines.suffix(2)) : Array(telling.suffix(3))).joined(separator: "; ")
        guard quoted.count > excerptLimit else { return quoted.isEmpty ? "git said nothing" : quoted }
        return String(quoted.prefix(excerptLimit - 1)) + "…"
    }

    /// `text` with every secret, every URL's user information and anything shaped like a GitHub token
    /// replaced by `***`.
    static func scrubbed(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        result = result.replacing(#/(gh[opusr]_|github_pat_)[A-Za-z0-9_]+/#, with: "***")
        result = result.replacing(#/(?i)authorization:\s*((bearer|basic|token)\s+)?\S+/#, with: "Authorization: ***")
        result = result.replacing(#/(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+\/=-]{8,}/#) { "\($0.output.1) ***" }
        return result.replacing(#/://[^/\s@]+@/#, with: "://***@")
    }
}
