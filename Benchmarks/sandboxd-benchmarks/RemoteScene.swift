// `sandboxd run` in remote mode against the loopback fakes of SandboxTesting, as
// Tests/SandboxCommandsTests/RemoteModeCommandTests.swift sets it up.

import Foundation
import SandboxCore
import SandboxHTTP
import SandboxRuntime
import SandboxTesting

#if canImport(Glibc)
import Glibc
#endif

/// A fake Service Catalog, a fake GitHub, a desired-state directory and a state directory.
final class RemoteScene {
    static let credentials = SigV4Verifier.Credentials(
        accessKeyId: "AKIDBENCHMARK",
        secretAccessKey: "b3nchmark/secret"
    )

    let directory: TemporaryDirectory
    let catalog: FakeServiceCatalogServer
    let github: FakeGitHubServer
    private var nextAccount: Int64 = 1_000

    /// - Parameter completionTime: how long a provisioning or termination takes in the fake catalog.
    init(name: String, pool: String, completionTime: TimeInterval) throws {
        directory = try TemporaryDirectory(name)
        catalog = try FakeServiceCatalogServer(
            .init(
                credentials: [Self.credentials],
                searchPageSize: 100,
                outputsPageSize: 20,
                completionTime: completionTime
            )
        )
        github = try FakeGitHubServer()
        try directory.write("desired/pool.json", pool)
        try FileManager.default.createDirectory(
            atPath: directory.path("desired/requests"),
            withIntermediateDirectories: true
        )
    }

    /// A requester who passes verification: an account 400 days old, and merged pull request `number`,
    /// opened by them, adding `requests/<id>.json`. Returns the request file's text.
    func requester(login: String, request id: String, pullRequest number: Int) -> String {
        nextAccount += 1
        github.addAccount(.init(id: nextAccount, login: login, createdAt: Date(timeIntervalSinceNow: -400 * 86_400)))
        github.addPullRequest(
            .init(number: number, authorID: nextAccount, files: [.init("desired-state/requests/\(id).json")])
        )
        return #"{"requester": "\#(login)", "pullRequest": \#(number)}"#
    }

    var desiredPath: String { directory.path("desired") }
    var statePath: String { directory.path("state") }
    var metricsPath: String { directory.path("metrics.prom") }
    var notifyPath: String { directory.path("notify.sock") }
    var logPath: String { directory.path("sandboxd.log") }

    var environment: [String: String] {
        FakeRemoteEnvironment.variables(
            catalog: catalog,
            github: github,
            credentials: Self.credentials,
            scratch: directory.path("."),
            extra: ["NOTIFY_SOCKET": notifyPath]
        )
    }

    /// Starts `sandboxd run --interval 60s` with a metrics file.
    func startDaemon() throws -> SandboxdProcess {
        try SandboxdProcess(
            arguments: [
                "run", "--interval", "60s", "--desired-state", desiredPath, "--state-dir", statePath,
                "--metrics-file", metricsPath,
            ],
            environment: environment,
            logPath: logPath
        )
    }

    /// The journal as `sandboxd status` reads it (no lock; a torn tail is ignored).
    func journal() throws -> JournalState {
        guard let contents = try FileJournal.read(stateDirectory: URL(fileURLWithPath: statePath)) else {
            return JournalState(lineage: "")
        }
        return try JournalCodec.replay(contents)
    }

    func stop() {
        catalog.stop()
        github.stop()
        directory.remove()
    }
}

/// A comment write GitHub received: a post (`POST …/issues/N/comments`) or an edit (`PATCH …/issues/comments/ID`).
struct CommentWrite {
    var at: Date
    var isEdit: Bool
    /// The marker's `<id>:<event>[:n]`.
    var marker: String
}

extension FakeGitHubServer {
    /// The comment writes received so far, in order (an answer may not have been sent yet).
    var commentWrites: [CommentWrite] {
        requests.compactMap { request in
            let path = request.path.split(separator: "?").first.map(String.init) ?? request.path
            let isPost = request.method == "POST" && path.hasSuffix("/comments")
            let isEdit = request.method == "PATCH" && path.contains("/issues/comments/")
            guard isPost || isEdit else { return nil }
            let body = (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any])?["body"] as? String
            return CommentWrite(at: request.receivedAt, isEdit: isEdit, marker: body.flatMap(Self.marker(in:)) ?? "?")
        }
    }

    /// Reads of a pull request's comments (looking for an unconfirmed comment's marker).
    var commentListings: Int {
        requests.filter { $0.method == "GET" && $0.path.contains("/issues/") && $0.path.contains("/comments") }.count
    }

    /// `<id>:<event>[:n]` of the marker `<!-- sandboxd:<id>:<event>[:n] -->` in `body`.
    static func marker(in body: String) -> String? {
        guard let start = body.range(of: "<!-- sandboxd:", options: .backwards),
            let end = body.range(of: " -->", range: start.upperBound..<body.endIndex)
        else { return nil }
        return String(body[start.upperBound..<end.lowerBound])
    }

    /// How many comments carry each marker now.
    var markerCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for comment in allComments {
            counts[Self.marker(in: comment.body) ?? "?", default: 0] += 1
        }
        return counts
    }
}

extension FakeServiceCatalogServer {
    /// When each call of `operation` was received, in order.
    func arrivals(of operation: String) -> [(at: Date, body: String)] {
        requests.filter { $0.headers["X-Amz-Target"] == "AWS242ServiceCatalogService.\(operation)" }
            .map { ($0.receivedAt, String(decoding: $0.body, as: UTF8.self)) }
    }
}

/// The most writes in any window of `window` seconds.
func mostInWindow(_ times: [Date], window: TimeInterval) -> Int {
    var most = 0
    var first = 0
    let sorted = times.sorted()
    for index in sorted.indices {
        while sorted[index].timeIntervalSince(sorted[first]) >= window { first += 1 }
        most = max(most, index - first + 1)
    }
    return most
}
