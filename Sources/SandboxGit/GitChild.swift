import Foundation
import SandboxLocking
import Glibc

/// One run of the `git` program: started with `Foundation.Process` in a process group of its own, its
/// output and error output read by two threads while it runs (so a large output cannot block it), its
/// input written by a third, and the whole group killed when it overruns its time, its output limit,
/// or the task waiting for it is cancelled.
struct GitChild: Sendable {
    /// The program, an absolute path.
    var executable: String
    /// The arguments after the program's name.
    var arguments: [String]
    /// The child's whole environment.
    var environment: [String: String]
    /// The child's working directory.
    var directory: String
    /// What is written to the child's standard input, then closed; `nil` gives it `/dev/null`.
    var input: [UInt8]?
    /// How long the child may run.
    var timeout: Duration
    /// The most bytes of standard output kept; the child is killed when it writes more.
    var outputLimit: Int

    /// How a run ended, with what the child wrote.
    struct Outcome: Sendable {
        /// How it ended.
        enum Ending: Sendable, Equatable {
            /// It exited with this status.
            case exited(Int32)
            /// A signal ended it.
            case signalled(Int32)
            /// It was killed after ``GitChild/timeout``.
            case timedOut
            /// It was killed for writing more than ``GitChild/outputLimit`` bytes.
            case outputTooLarge
            /// It was killed because the waiting task was cancelled.
            case cancelled
        }

        /// How it ended.
        var ending: Ending
        /// Its standard output, at most ``GitChild/outputLimit`` bytes.
        var output: [UInt8]
        /// Its error output, at most ``GitChildProgress/errorOutputLimit`` bytes.
        var errorOutput: [UInt8]
    }

    /// The program could not be started; `reason` is the system's.
    struct LaunchError: Error, Sendable {
        /// Why, as the system says it.
        var reason: String
    }

    /// Starts the child and waits for its end.
    /// - Throws: ``LaunchError`` when the program cannot be started (it is missing or not executable).
    func run() async throws(LaunchError) -> Outcome {
        let progress = GitChildProgress(outputLimit: outputLimit)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory, isDirectory: true)
        let output = Pipe()
        let errorOutput = Pipe()
        let inputPipe = input.map { _ in Pipe() }
        process.standardOutput = output
        process.standardError = errorOutput
        process.standardInput = inputPipe ?? FileHandle.nullDevice
        process.terminationHandler = { process in
            progress.exited(
                process.terminationReason == .uncaughtSignal
                    ? .signalled(process.terminationStatus) : .exited(process.terminationStatus)
            )
        }
        do {
            try process.run()
        } catch {
            throw LaunchError(reason: "\(error.localizedDescription)")
        }
        progress.started(processIdentifier: process.processIdentifier)
        GitChildStreams.startReading(output.fileHandleForReading, into: progress, isErrorOutput: false)
        GitChildStreams.startReading(errorOutput.fileHandleForReading, into: progress, isErrorOutput: true)
        if let inputPipe, let input { GitChildStreams.startWriting(input, to: inputPipe.fileHandleForWriting) }
        let timeout = self.timeout
        let timer = Task {
            // Not `Task.sleep`, which on Linux keeps a cancelled sleep until its deadline: one per git child.
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            try? await DispatchSleep.sleep(seconds: seconds)
            if !Task.isCancelled { progress.stop(.timedOut) }
        }
        let outcome = await withTaskCancellationHandler {
            await progress.outcome()
        } onCancel: {
            progress.stop(.cancelled)
        }
        timer.cancel()
        withExtendedLifetime(process) {}
        return outcome
    }
}
