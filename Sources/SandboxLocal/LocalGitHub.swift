public import Foundation
public import SandboxCore
import SandboxFiles
import SandboxRuntime
import SandboxLocking

#if canImport(Glibc)
import Glibc
#endif

/// The offline stand-in for GitHub behind `--local` (docs/behaviour.md §4, §5).
///
/// Verification: without a facts file (`<state-dir>/local/github.json`) GitHub's PR, account and
/// organization checks are skipped (`"verification": "skipped"`; the planner still applies
/// `deniedUsers` and one live sandbox per requester). With one, ``LocalGitHubFacts`` answers the
/// policy's questions, so every rejection can be seen offline; the file is read again whenever it
/// changes, so it can be edited while `run` runs. A facts file that cannot be read or is invalid
/// makes ``answer(_:)`` throw, naming the file, line, column and what to fix: the request stays
/// pending, never rejected because of it.
///
/// Comments are written as Markdown files `<outbox>/<request-id>.<event>.md` (`.<event>.<n>.md`
/// from the second on) and handed to `printer`.
public struct LocalGitHub: GitHubPort {
    /// The directory comments are written to.
    public let outbox: URL
    /// The facts file, when verification may use one (it need not exist).
    public let factsFile: URL?
    /// Called with (file name, body) for every comment written.
    let printer: @Sendable (String, String) -> Void
    /// The clock, for when to check again after an invalid facts file.
    let now: @Sendable () -> Date
    /// The facts file as last read.
    let facts = LocalFactsCache()

    /// - Parameters:
    ///   - outbox: the directory comments are written to.
    ///   - factsFile: `<state-dir>/local/github.json`; `nil` (or a file that does not exist): verification skipped.
    ///   - now: the clock, for when to check again after an invalid facts file.
    ///   - printer: called with (file name, body) for every comment written.
    public init(
        outbox: URL,
        factsFile: URL? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        printer: @escaping @Sendable (String, String) -> Void = { _, _ in }
    ) {
        self.outbox = outbox
        self.factsFile = factsFile
        self.now = now
        self.printer = printer
    }

    /// Whether the facts file exists (checked at every verification, so one added later counts).
    public var checksRequesters: Bool {
        guard let factsFile else { return false }
        return FileManager.default.fileExists(atPath: factsFile.path)
    }

    /// Answers from the facts file.
    /// - Throws: ``GitHubError`` (`rejected`, with a retry time soon) when the file cannot be read or is invalid.
    public func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        guard let factsFile else {
            throw GitHubError(.rejected, message: "--local has no GitHub facts file")
        }
        let result = facts.load(factsFile)
        guard let value = result.value else {
            let problems = result.diagnostics.filter { $0.severity == .error }.map(\.description)
            throw GitHubError(
                .rejected,
                message: "the local GitHub facts file is invalid: \(problems.joined(separator: "; ")). "
                    + "Fix the file (docs/examples/verification/github.json shows the format); nobody is rejected "
                    + "until it reads",
                retryAt: VerificationPolicy.invalidFactsRecheck(now: now())
            )
        }
        return value.answer(question, source: factsFile.path, now: now())
    }

    /// The outbox's comments about `request`: `<id>.<event>.md`, then `.<event>.2.md` and on while they exist,
    /// for each event (a few file checks, whatever the outbox holds; docs/behaviour.md §3.15).
    public func ownComments(pullRequest: Int, request: RequestID) async throws(GitHubError) -> [OwnComment] {
        var found: [(comment: CommentReference, body: String)] = []
        // One stat for a comment that is not there (the common case: a first pass reads every new request's),
        // not a URL and a failed open through Foundation.
        let directory = outbox.path
        var info = stat()
        for event in NotificationEvent.allCases {
            for occurrence in 1... {
                let marker = NotificationMarker(request: request, event: event, occurrence: occurrence)
                guard let name = Self.fileName(forMarker: marker.text) else { break }
                let path = directory + "/" + name
                guard stat(path, &info) == 0, let data = FileManager.default.contents(atPath: path) else { break }
                found.append(
                    (CommentReference(id: Self.commentID(name), url: path), String(decoding: data, as: UTF8.self))
                )
            }
        }
        return OwnComment.found(for: request, in: found)
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

/// The facts file as last read, read again when its modification time or size changes.
final class LocalFactsCache: Sendable {
    private struct Entry {
        var stamp: [String]
        var result: FileParseResult<LocalGitHubFacts>
    }

    private let entry = Locked<Entry?>(nil)

    /// The parsed file (its diagnostics when it is invalid or cannot be read).
    func load(_ file: URL) -> FileParseResult<LocalGitHubFacts> {
        let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
        let stamp = [
            (attributes?[.modificationDate] as? Date).map { "\($0.timeIntervalSince1970)" } ?? "-",
            (attributes?[.size] as? NSNumber).map { "\($0)" } ?? "-",
        ]
        if let cached = entry.withLock({ $0 }), cached.stamp == stamp { return cached.result }
        let result: FileParseResult<LocalGitHubFacts>
        if let data = FileManager.default.contents(atPath: file.path) {
            result = LocalGitHubFacts.parse(Array(data), path: file.path)
        } else {
            result = FileParseResult(
                value: nil,
                diagnostics: [Diagnostic(path: file.path, message: "cannot be read; check that it is a readable file")]
            )
        }
        entry.withLock { $0 = Entry(stamp: stamp, result: result) }
        return result
    }
}
