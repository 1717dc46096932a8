// One torture run: the scene, the kill loop, convergence, the checks.

import Foundation
import SandboxCore
import SandboxRuntime
import SandboxTesting

#if canImport(Glibc)
import Glibc
#endif

/// A request the scenario adds (and maybe removes) while the daemon is being killed.
struct PlannedRequest {
    var id: String
    var login: String
    var pullRequest: Int
    /// Seconds into the kill phase when its file appears.
    var addAt: Double
    /// Seconds into the kill phase when its file is removed (a release), if ever.
    var removeAt: Double?
    /// The lease it asks for (nil: the pool's).
    var lease: String?
}

final class Torture {
    static let credentials = SigV4Verifier.Credentials(accessKeyId: "AKIDTORTURE", secretAccessKey: "t0rture/secret")
    static let pool = """
        {
          "capacity": 3,
          "lease": "5s",
          "maxLease": "30s",
          "expiryWarning": "2s",
          "product": { "productId": "prod-sandbox000001", "provisioningArtifactId": "pa-sandbox000001" },
          "parameters": { "SandboxOwner": "{{requester}}" },
          "outputs": ["BucketName", "NotebookUrl"]
        }
        """

    let options: Options
    let executable: String
    let scratch: ScratchDirectory
    let catalog: FakeServiceCatalogServer
    let github: FakeGitHubServer
    let disk: SmallDisk?
    let statePath: String
    var random: SeededGenerator
    var requests: [PlannedRequest] = []
    var tally = PhaseTally()
    var selfExits: [Int32] = []
    var faultLog: [String] = []
    var kills = 0
    /// High-availability mode: the table, and every leader failure.
    var ha: HAScene?
    var failures: [LeaderFailure] = []
    /// While the disk is full: until when, in seconds into the kill phase.
    var diskFullUntil: Double?
    /// The log's size when the disk became full.
    var diskFullLog: UInt64 = 0

    init(options: Options) throws {
        self.options = options
        executable = try sandboxdExecutable(options.sandboxd)
        random = SeededGenerator(seed: options.seed)
        scratch = try ScratchDirectory(options.moto != nil ? "ha" : options.faults ? "faults" : "plain")
        ha = try options.moto.map(HAScene.init(moto:))
        catalog = try FakeServiceCatalogServer(
            .init(credentials: [Self.credentials], searchPageSize: 100, outputsPageSize: 20, completionTime: 0.4)
        )
        github = try FakeGitHubServer()
        if options.faults {
            disk = SmallDisk(path: scratch.file("state"), megabytes: 8)
            if disk == nil { note("cannot mount a tmpfs here: the full-disk phase is skipped") }
        } else {
            disk = nil
        }
        statePath = scratch.file("state")
        try scratch.write("desired/pool.json", Self.pool)
        try FileManager.default.createDirectory(
            atPath: scratch.file("desired/requests"),
            withIntermediateDirectories: true
        )
        requests = planRequests()
        for (index, request) in requests.enumerated() {
            let accountID = Int64(5_000 + index)
            github.addAccount(
                .init(id: accountID, login: request.login, createdAt: Date(timeIntervalSinceNow: -400 * 86_400))
            )
            github.addPullRequest(
                .init(
                    number: request.pullRequest,
                    authorID: accountID,
                    files: [.init("desired-state/requests/\(request.id).json")]
                )
            )
        }
    }

    /// Twelve requests, one every ~2.5 s; two are removed again (one soon, likely queued; one later, likely live).
    private func planRequests() -> [PlannedRequest] {
        (0..<12).map { index in
            let addAt = Double(index) * 2.5 + random.seconds(0...1.5)
            var removeAt: Double?
            if index == 4 { removeAt = addAt + 1.0 }
            if index == 7 { removeAt = addAt + 7.0 }
            return PlannedRequest(
                id: "req-\(index)",
                login: "user\(index)",
                pullRequest: 100 + index,
                addAt: addAt,
                removeAt: removeAt,
                lease: index % 2 == 0 ? "4s" : nil
            )
        }
    }

    var environment: [String: String] {
        FakeRemoteEnvironment.variables(
            catalog: catalog,
            github: github,
            credentials: Self.credentials,
            scratch: scratch.path
        )
    }

    var daemonArguments: [String] {
        ["run", "--interval", "2s", "--desired-state", scratch.file("desired"), "--state-dir", statePath]
    }

    func startDaemon() throws -> DaemonProcess {
        try DaemonProcess(
            executable: executable,
            arguments: daemonArguments,
            environment: environment,
            logPath: scratch.file("sandboxd.log")
        )
    }

    /// The scenario's file changes due by `time` seconds into the kill phase.
    func applyFileChanges(at time: Double, done: inout Set<String>) throws {
        for request in requests {
            if time >= request.addAt, done.insert("add \(request.id)").inserted {
                var text = #"{"requester": "\#(request.login)", "pullRequest": \#(request.pullRequest)"#
                if let lease = request.lease { text += #", "lease": "\#(lease)""# }
                try scratch.write("desired/requests/\(request.id).json", text + "}\n")
            }
            if let removeAt = request.removeAt, time >= removeAt, done.insert("remove \(request.id)").inserted {
                try FileManager.default.removeItem(atPath: scratch.file("desired/requests/\(request.id).json"))
            }
        }
    }

    /// The journal as the daemon left it (a torn tail is ignored), or nil when it cannot be read now.
    func journal() -> JournalState? {
        if let ha { return ha.journal() }
        guard let contents = try? FileJournal.read(stateDirectory: URL(fileURLWithPath: statePath)) else { return nil }
        return try? JournalCodec.replay(contents)
    }

    func run() throws -> [String] {
        defer {
            disk?.unmount()
            catalog.stop()
            github.stop()
            scratch.remove()
        }
        let start = ContinuousClock.now
        let mode = ha != nil ? "ha" : options.faults ? "faults" : "plain"
        note("\(mode) run, seed \(options.seed), \(options.kills) kills, state \(statePath)")
        if ha != nil {
            try haKillLoop()
            let killSeconds = elapsed(since: start)
            let converged = try haConverge()
            let checks = Invariants(torture: self).check(converged: converged) + takeoverViolations()
            printSummary(mode: mode, killSeconds: killSeconds, totalSeconds: elapsed(since: start), violations: checks)
            return checks
        }
        if options.faults {
            catalog.setFaults(.init(throttlingPercent: 8, serverErrorPercent: 6, dropPercent: 4, seed: options.seed))
        }
        try killLoop()
        let killSeconds = elapsed(since: start)
        let converged = try converge()
        let checks = Invariants(torture: self).check(converged: converged)
        printSummary(mode: mode, killSeconds: killSeconds, totalSeconds: elapsed(since: start), violations: checks)
        return checks
    }
}
