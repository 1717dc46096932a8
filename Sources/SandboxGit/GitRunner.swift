/// Runs git children with one program, environment, working directory and time limit, and turns the
/// ways a run can go wrong before git even answers (not started, killed) into a ``GitError``.
struct GitRunner: Sendable {
    /// The most bytes of output a child may write unless a caller says otherwise.
    static let defaultOutputLimit = 16 << 20

    /// The `git` program, an absolute path.
    var git: String
    /// The environment of every child (``GitEnvironment/isolated(from:home:)``).
    var environment: [String: String]
    /// The working directory of every child.
    var directory: String
    /// How long one child may run before it is killed.
    var timeout: Duration
    /// Shown every child as it starts: a test hook.
    var observe: (@Sendable (GitInvocation) -> Void)?

    /// What a child that exited said.
    struct Result: Sendable {
        /// Its exit status.
        var status: Int32
        /// Its standard output.
        var output: [UInt8]
        /// Its error output as text, already scrubbed of the run's secrets.
        var errorText: String

        /// Whether it exited with status 0.
        var succeeded: Bool { status == 0 }
        /// Its standard output as text.
        var outputText: String { String(decoding: output, as: UTF8.self) }
        /// A short, scrubbed quote of its error output, for a message.
        var excerpt: String { GitErrorOutput.excerpt(errorText) }
    }

    /// Runs `git ARGUMENTS` and waits for it to exit.
    /// - Parameters:
    ///   - arguments: The arguments after `git`.
    ///   - task: What the run does, for messages: `fetching main from https://…`.
    ///   - extraEnvironment: Variables added for this child alone (the askpass ones).
    ///   - input: Written to its standard input, or `nil` for `/dev/null`.
    ///   - outputLimit: The most bytes of output kept before the child is killed.
    ///   - secrets: Strings that must not appear in its scrubbed error output.
    /// - Throws: ``GitError``: ``GitError/Kind/gitMissing`` when git cannot start,
    ///   ``GitError/Kind/unreachable`` when it timed out or was cancelled, ``GitError/Kind/tooLarge`` when
    ///   it wrote too much, ``GitError/Kind/failed`` when a signal ended it. A non-zero exit is no error here.
    func run(
        _ arguments: [String],
        doing task: String,
        extraEnvironment: [String: String] = [:],
        input: [UInt8]? = nil,
        outputLimit: Int = GitRunner.defaultOutputLimit,
        secrets: [String] = []
    ) async throws(GitError) -> Result {
        let childEnvironment = environment.merging(extraEnvironment) { _, added in added }
        observe?(GitInvocation(arguments: [git] + arguments, environmentKeys: Set(childEnvironment.keys)))
        let child = GitChild(
            executable: git,
            arguments: arguments,
            environment: childEnvironment,
            directory: directory,
            input: input,
            timeout: timeout,
            outputLimit: outputLimit
        )
        let outcome: GitChild.Outcome
        do {
            outcome = try await child.run()
        } catch {
            throw GitError(
                .gitMissing,
                "git (\(git)) could not be started while \(task): \(error.reason); install git or put it in PATH"
            )
        }
        let errorText = GitErrorOutput.scrubbed(String(decoding: outcome.errorOutput, as: UTF8.self), secrets: secrets)
        switch outcome.ending {
        case .exited(let status):
            return Result(status: status, output: outcome.output, errorText: errorText)
        case .timedOut:
            throw GitError(
                .unreachable,
                "git did not finish \(task) within \(timeout.secondsText) and was stopped; check the network and"
                    + " the remote"
            )
        case .cancelled:
            throw GitError(.unreachable, "git was stopped while \(task): the call was cancelled")
        case .outputTooLarge:
            throw GitError(
                .tooLarge,
                "git wrote more than \(outputLimit) bytes while \(task); sandboxd reads no more: make it smaller"
            )
        case .signalled(let signal):
            throw GitError(
                .failed,
                "git was ended by signal \(signal) while \(task)"
                    + (errorText.isEmpty ? "" : " (\(GitErrorOutput.excerpt(errorText)))")
            )
        }
    }
}

extension Duration {
    /// `60 s`, `0.5 s`.
    var secondsText: String {
        let (seconds, attoseconds) = components
        if attoseconds == 0 { return "\(seconds) s" }
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return "\(Double(milliseconds) / 1000) s"
    }
}
