import Foundation
import SandboxCore
import SandboxHTTP
import SandboxRuntime
import SandboxTesting

#if canImport(Glibc)
import Glibc
#endif

/// A desired state of `count` requests and the two fakes they are checked and served by, for timing the
/// built `sandboxd` in remote mode (no `--local`): every request passes verification (an old account, a
/// merged pull request it opened, adding its file), and the catalog completes an operation after
/// `stepsToComplete` observing calls.
///
/// The times tests assert on come from the fakes' records — ``RecordedRequest/receivedAt`` and
/// ``FakeServiceCatalogServer/statusChanges`` — and from the journal the child wrote, never from the
/// test's own sleeps.
struct TimingScene {
    /// One request file and the pull request that added it.
    struct Requester {
        var login: String
        var pullRequest: Int
        /// `<login>-sbx`.
        var id: String { "\(login)-sbx" }
        /// `sandbox-<id>`, the product's name.
        var productName: String { "sandbox-\(id)" }
    }

    /// A comment written (posted or edited), as the fake GitHub received it.
    struct CommentWrite {
        var at: Date
        var method: String
        var body: String
    }

    let directory: TemporaryDirectory
    let catalog: FakeServiceCatalogServer
    let github: FakeGitHubServer
    let requesters: [Requester]

    /// - Parameters:
    ///   - logins: the requesters, in the order of their pull requests (1, 2, …).
    ///   - capacity: the pool's slots.
    ///   - lease: the pool's `lease` (default when `nil`); `expiryWarning` likewise.
    ///   - stepsToComplete: observing calls before the fake completes a provisioning or a termination.
    init(
        logins: [String],
        capacity: Int,
        lease: String? = nil,
        expiryWarning: String? = nil,
        stepsToComplete: Int = 2
    ) throws {
        directory = try TemporaryDirectory()
        catalog = try FakeServiceCatalogServer(
            .init(
                credentials: [RemoteModeCommandTests.credentials],
                searchPageSize: 100,
                outputsPageSize: 20,
                stepsToComplete: stepsToComplete
            )
        )
        github = try FakeGitHubServer()
        requesters = logins.enumerated().map { Requester(login: $0.element, pullRequest: $0.offset + 1) }
        var durations = ""
        if let lease { durations += #""lease": "\#(lease)", "# }
        if let expiryWarning { durations += #""expiryWarning": "\#(expiryWarning)", "# }
        try directory.write(
            "desired/pool.json",
            """
            {"capacity": \(capacity), \(durations)
             "product": {"productId": "prod-sandbox000001", "provisioningArtifactId": "pa-sandbox000001"},
             "verification": {"minAccountAge": "30d"}}
            """
        )
        let created = Date(timeIntervalSinceNow: -400 * 86_400)
        for requester in requesters {
            try directory.write(
                "desired/requests/\(requester.id).json",
                #"{"requester": "\#(requester.login)", "pullRequest": \#(requester.pullRequest)}"#
            )
            let accountID = Int64(10_000 + requester.pullRequest)
            github.addAccount(.init(id: accountID, login: requester.login, createdAt: created))
            github.addPullRequest(
                .init(
                    number: requester.pullRequest,
                    authorID: accountID,
                    files: [.init("desired-state/requests/\(requester.id).json")]
                )
            )
        }
    }

    /// The settings that point the binary at the fakes.
    var environment: [String: String] {
        FakeRemoteEnvironment.variables(
            catalog: catalog,
            github: github,
            credentials: RemoteModeCommandTests.credentials,
            scratch: directory.path(".")
        )
    }

    /// `--desired-state` and `--state-dir`.
    var arguments: [String] {
        ["--desired-state", directory.path("desired"), "--state-dir", directory.path("state")]
    }

    /// Where a launched child's stderr goes.
    var logPath: String { directory.path("sandboxd.log") }

    /// The child's stderr so far (its log lines), for failure messages.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Starts `sandboxd COMMAND…` with the scene's settings (and `extra` ones), stdout discarded, stderr
    /// into ``logPath``.
    func launch(_ command: [String], extra: [String: String] = [:]) throws -> Process {
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = sandboxdExecutable
        process.arguments = command + arguments
        process.environment = Sanitizer.childEnvironment(environment.merging(extra) { $1 })
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        return process
    }

    func stop() {
        catalog.stop()
        github.stop()
        directory.remove()
    }

    // MARK: - What the fakes saw

    /// The catalog's calls of `operation` (`"ProvisionProduct"`), in order of arrival.
    func calls(_ operation: String) -> [RecordedRequest] {
        catalog.requests.filter { $0.headers["X-Amz-Target"]?.hasSuffix("." + operation) == true }
    }

    /// The `ProvisionProduct` calls for a product name.
    func provisionCalls(of productName: String) -> [RecordedRequest] {
        calls("ProvisionProduct").filter { Self.object($0.body)["ProvisionedProductName"] as? String == productName }
    }

    /// When the fake completed an operation of `productName` with `status` (`AVAILABLE`, `TERMINATED`).
    func statusChange(of productName: String, to status: String) -> Date? {
        catalog.statusChanges.first { $0.name == productName && $0.status == status }?.at
    }

    /// Every comment posted or edited, in order of arrival.
    var commentWrites: [CommentWrite] {
        github.requests.compactMap { request in
            let path = request.path.split(separator: "?").first.map(String.init) ?? request.path
            let isWrite =
                request.method == "POST" && path.hasSuffix("/comments") && path.contains("/issues/")
                || request.method == "PATCH" && path.contains("/issues/comments/")
            guard isWrite, let body = Self.object(request.body)["body"] as? String else { return nil }
            return CommentWrite(at: request.receivedAt, method: request.method, body: body)
        }
    }

    /// When the first comment ending in `marker` (`<!-- sandboxd:alice-sbx:ready -->`) was written.
    func commentTime(_ marker: String) -> Date? {
        commentWrites.first { $0.body.contains(marker) }?.at
    }

    /// The journal the child wrote (read as `status` reads it, without the lock).
    func journal() throws -> JournalState {
        guard let contents = try FileJournal.read(stateDirectory: URL(fileURLWithPath: directory.path("state")))
        else { return JournalState(lineage: "") }
        return try JournalCodec.replay(contents)
    }

    /// A JSON object body, or an empty dictionary.
    static func object(_ data: Data) -> [String: Any] {
        ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
    }
}

/// Seconds from `start` to `end`, for printing.
func seconds(_ start: Date, _ end: Date) -> Double {
    end.timeIntervalSince(start)
}

/// `1.23` (two decimals).
func formatted(_ value: Double) -> String {
    String(format: "%.2f", value)
}

/// Polls `condition` every 100 ms until it holds or `timeout` seconds pass; returns whether it held.
/// (A wait for an outcome, not a measurement: the times asserted on come from the records.)
func eventually(within timeout: Double, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return try condition()
}

/// SIGTERMs `process` and waits (without blocking a thread of the pool) up to `timeout` seconds for it to
/// exit, then SIGKILLs it. Returns its exit status, or `nil` when it had to be killed.
func terminate(_ process: Process, within timeout: Double = 20) async -> Int32? {
    guard process.isRunning else { return process.terminationStatus }
    kill(process.processIdentifier, SIGTERM)
    let exited = await eventually(within: timeout) { !process.isRunning }
    guard exited else {
        kill(process.processIdentifier, SIGKILL)
        _ = await eventually(within: 5) { !process.isRunning }
        return nil
    }
    return process.terminationStatus
}

/// Runs `body` on a thread of its own, so blocking it (`recv`, `waitUntilExit`) starves no task of the
/// concurrency pool the fakes' servers and other tests share.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        Thread { continuation.resume(with: Result(catching: body)) }.start()
    }
}
