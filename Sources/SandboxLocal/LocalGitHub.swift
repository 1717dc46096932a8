public import Foundation
public import SandboxCore
import SandboxRuntime

/// The offline stand-in for GitHub behind `--local` (SPEC §4).
///
/// Verification skips GitHub's PR, account and organization checks (`"verification": "skipped"`;
/// the planner still applies `deniedUsers` and one live sandbox per requester). Comments are written
/// as Markdown files `<outbox>/<request-id>.<event>.md` (`.<event>.<n>.md` from the second on) and
/// handed to `printer`.
public struct LocalGitHub: GitHubPort {
    public let outbox: URL
    let printer: @Sendable (String, String) -> Void

    /// - Parameters:
    ///   - outbox: the directory comments are written to.
    ///   - printer: called with (file name, body) for every comment written.
    public init(outbox: URL, printer: @escaping @Sendable (String, String) -> Void = { _, _ in }) {
        self.outbox = outbox
        self.printer = printer
    }

    public var checksRequesters: Bool { false }

    public func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        throw GitHubError(.rejected, message: "offline")
    }

    public func findComment(pullRequest: Int, marker: String) async throws(GitHubError) -> CommentReference? {
        guard let name = Self.fileName(forMarker: marker) else { return nil }
        let url = outbox.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path),
            String(decoding: data, as: UTF8.self).contains(marker)
        else { return nil }
        return CommentReference(id: Self.commentID(name), url: url.path)
    }

    public func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        guard let marker = Self.marker(in: body), let name = Self.fileName(forMarker: marker) else {
            throw GitHubError(.rejected, message: "a comment without a sandboxd marker cannot be written to the outbox")
        }
        return try write(name: name, body: body)
    }

    public func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {
        guard let marker = Self.marker(in: body), let name = Self.fileName(forMarker: marker) else {
            throw GitHubError(.rejected, message: "a comment without a sandboxd marker cannot be written to the outbox")
        }
        _ = try write(name: name, body: body)
    }

    func write(name: String, body: String) throws(GitHubError) -> CommentReference {
        let url = outbox.appendingPathComponent(name)
        do {
            try AtomicFile.write(Data(body.utf8), to: url)
        } catch {
            throw GitHubError(.rejected, message: "cannot write \(url.path): \(error)")
        }
        printer(name, body)
        return CommentReference(id: Self.commentID(name), url: url.path)
    }

    /// The last `<!-- sandboxd:… -->` marker in a body.
    static func marker(in body: String) -> String? {
        guard let start = body.range(of: "<!-- sandboxd:", options: .backwards),
            let end = body.range(of: " -->", range: start.upperBound..<body.endIndex)
        else { return nil }
        return String(body[start.lowerBound..<end.upperBound])
    }

    /// `<id>.<event>.md` or `<id>.<event>.<n>.md` for a marker.
    static func fileName(forMarker marker: String) -> String? {
        guard marker.hasPrefix("<!-- sandboxd:"), marker.hasSuffix(" -->") else { return nil }
        let inner = marker.dropFirst("<!-- sandboxd:".count).dropLast(" -->".count)
        let parts = inner.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, RequestID(parts[0]) != nil,
            NotificationEvent(rawValue: parts[1]) != nil
        else { return nil }
        if parts.count == 3 {
            guard let n = Int(parts[2]), n >= 2 else { return nil }
            return "\(parts[0]).\(parts[1]).\(n).md"
        }
        return "\(parts[0]).\(parts[1]).md"
    }

    /// A stable id for an outbox file.
    static func commentID(_ name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int64(hash & 0x7fff_ffff_ffff)
    }
}
