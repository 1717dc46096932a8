public import Foundation
import SandboxCore

/// sandboxd's own clone of the git remote it follows: a bare repository at
/// `<state-dir>/git/mirror.git`, made and updated by the `git` program (docs/behaviour.md §4.9).
///
/// A pass calls ``fetch()`` for the branch's head, then ``snapshot(of:displayPath:)`` for the
/// desired state at exactly that commit, read from git's objects: there is no work tree, so no pass
/// can see one half updated. A damaged clone is removed and cloned again by the next fetch.
///
/// Calls are served one at a time, in order. Every git child runs with its own `HOME`, no system or
/// global configuration, no credential helper, no prompt, `LC_ALL=C`, and a time limit; an https
/// remote gets the token of ``init(remote:stateDirectory:credentials:askPassExecutable:timeout:)``'s
/// `credentials` through ``GitAskPass`` only.
public actor GitMirror {
    /// The remote followed.
    public nonisolated let remote: GitRemote
    /// The bare clone: `<state-dir>/git/mirror.git`.
    public nonisolated let location: URL
    /// `<state-dir>/git`: the clone, git's `HOME` and the record of the last fetch.
    let gitDirectory: URL
    /// `HOME` of every git child: `<state-dir>/git/home`.
    let homeDirectory: URL
    /// The last fetch's head, kept outside the clone so a reclone does not forget it.
    let recordFile: URL
    let credentials: (@Sendable () async throws -> String?)?
    let askPassExecutable: String
    let timeout: Duration
    let environment: [String: String]
    let observe: (@Sendable (GitInvocation) -> Void)?

    /// Whether this mirror has checked a clone it found on disk (`git fsck`, once per process).
    var verified = false
    /// What a read found broken in the clone (git's words), so that the next fetch clones again.
    var lastDamage: String?
    /// The last snapshot made, by commit and display path: a commit's files never change.
    var lastSnapshot: (commitID: String, displayPath: String, snapshot: DesiredStateSnapshot)?
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Creates the mirror; nothing is read or run before the first call.
    /// - Parameters:
    ///   - remote: The remote, branch and path followed.
    ///   - stateDirectory: sandboxd's state directory; the clone lives in its `git/` folder.
    ///   - credentials: Gives the current token (sandboxd's GitHub token, or the App's installation token)
    ///     when an https remote asks for credentials; `nil`, or a `nil` token, offers none.
    ///   - askPassExecutable: The program git runs for credentials: a sandboxd executable (whose
    ///     `main` calls ``GitAskPass/answerIfAsked(arguments:environment:)``). `nil` is this executable.
    ///   - timeout: How long one git child may run before it is killed and the call fails as
    ///     ``GitError/Kind/unreachable``.
    public init(
        remote: GitRemote,
        stateDirectory: URL,
        credentials: (@Sendable () async throws -> String?)? = nil,
        askPassExecutable: String? = nil,
        timeout: Duration = .seconds(60)
    ) {
        self.init(
            remote: remote,
            stateDirectory: stateDirectory,
            credentials: credentials,
            askPassExecutable: askPassExecutable,
            timeout: timeout,
            environment: ProcessInfo.processInfo.environment,
            observe: nil
        )
    }

    /// Creates the mirror with the environment git is found in and started from, and a hook shown every
    /// git child as it starts (tests record argument lists and environment names with it).
    package init(
        remote: GitRemote,
        stateDirectory: URL,
        credentials: (@Sendable () async throws -> String?)?,
        askPassExecutable: String?,
        timeout: Duration,
        environment: [String: String],
        observe: (@Sendable (GitInvocation) -> Void)?
    ) {
        self.remote = remote
        gitDirectory = stateDirectory.appendingPathComponent("git", isDirectory: true)
        location = gitDirectory.appendingPathComponent("mirror.git", isDirectory: true)
        homeDirectory = gitDirectory.appendingPathComponent("home", isDirectory: true)
        recordFile = gitDirectory.appendingPathComponent("last-fetch.json")
        self.credentials = credentials
        self.askPassExecutable = askPassExecutable ?? GitAskPass.currentExecutable()
        self.timeout = timeout
        self.environment = environment
        self.observe = observe
    }

    /// Waits until no other call is being served.
    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Lets the next waiting call in.
    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    /// A runner for this mirror's children: git found in `PATH`, the isolated environment, `<state-dir>/git`.
    func runner() throws(GitError) -> GitRunner {
        guard let git = GitEnvironment.findGit(in: environment) else {
            throw GitError(
                .gitMissing,
                "git is not installed or not in PATH; install git (the \"git\" package) to follow a git remote"
            )
        }
        for directory in [gitDirectory, homeDirectory] {
            do {
                try FileManager.default.createDirectory(
                    at: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw GitError(
                    .failed,
                    "cannot create \(directory.path) (\(error.localizedDescription)); check the state directory's"
                        + " permissions"
                )
            }
        }
        return GitRunner(
            git: git,
            environment: GitEnvironment.isolated(from: environment, home: homeDirectory.path),
            directory: gitDirectory.path,
            timeout: timeout,
            observe: observe
        )
    }

    /// Runs `git` on the clone: no credential helper, no hooks, gc in the foreground (so the time limit
    /// covers it), file:// allowed for a file remote, and ssh in batch mode unless the environment names
    /// its own ssh (nobody could answer a prompt: a host key to confirm or a passphrase fails at once).
    func git(
        _ runner: GitRunner,
        _ arguments: [String],
        doing task: String,
        access: GitRemoteAccess = .none,
        input: [UInt8]? = nil,
        outputLimit: Int = GitRunner.defaultOutputLimit
    ) async throws(GitError) -> GitRunner.Result {
        var options = ["-c", "credential.helper=", "-c", "core.hooksPath=/dev/null", "-c", "gc.autoDetach=false"]
        if remote.transport == .file { options += ["-c", "protocol.file.allow=always"] }
        if remote.transport == .ssh, environment["GIT_SSH_COMMAND"] == nil, environment["GIT_SSH"] == nil {
            options += ["-c", "core.sshCommand=ssh -o BatchMode=yes"]
        }
        return try await runner.run(
            options + ["--git-dir=\(location.path)"] + arguments,
            doing: task,
            extraEnvironment: access.environment,
            input: input,
            outputLimit: outputLimit,
            secrets: access.secrets
        )
    }
}
