import Foundation
import Glibc

/// Runs a profile's `credential_process` (aws-vault, granted, 1Password's `op`, …) and reads the credentials it
/// prints, as botocore's `ProcessProvider` does: no shell, sandboxd's environment, standard input `/dev/null`, and
/// on standard output `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}`.
///
/// Whatever the program writes may be secret, so no message quotes it: a failure tells the exit status and how many
/// bytes went to standard error. A run longer than ``timeout`` is killed with its process group, so a program that
/// waits for a person cannot hold a pass. Behind the cache, credentials with an `Expiration` are fetched again
/// before it; without one they are kept for the life of the process.
struct ProcessCredentialsProvider: AWSCredentialsProvider {
    let profile: String
    /// The program's path, found at start-up.
    let executable: String
    let arguments: [String]
    let environment: [String: String]
    var timeout: Duration = .seconds(60)

    /// The most standard output read; more ends the run.
    static let outputLimit = 1 << 20

    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case outputTooLarge
    }

    struct Outcome {
        var ending: Ending
        var output: [UInt8]
        var errorOutputBytes: Int
    }

    func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        let source = "credential_process of profile \(profile) (\(executable))"
        let outcome: Outcome
        do {
            outcome = try await run()
        } catch {
            throw .refused("\(source) could not be started: \(error.localizedDescription)")
        }
        switch outcome.ending {
        case .exited(0):
            break
        case .exited(let status):
            throw .refused(
                "\(source) exited with status \(status) (its \(outcome.errorOutputBytes) bytes of standard error are not "
                    + "shown: they may hold secrets; run it by hand to see them)"
            )
        case .signalled(let signal):
            throw .unavailable("\(source) was ended by signal \(signal)")
        case .timedOut:
            throw .unavailable("\(source) did not finish within \(timeout) and was killed")
        case .outputTooLarge:
            throw .refused("\(source) printed more than \(Self.outputLimit) bytes and was killed")
        }
        let document: TemporaryCredentialsDocument
        do {
            document = try JSONDecoder().decode(TemporaryCredentialsDocument.self, from: Data(outcome.output))
        } catch {
            throw .refused("\(source) did not print a JSON credentials document")
        }
        guard document.Version == 1 else {
            throw .refused("\(source) printed a document without \"Version\": 1")
        }
        return try document.credentials(source: source)
    }

    /// Runs the program on a thread of its own: the reads and the wait block.
    private func run() async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runBlocking() }) }.start()
        }
    }

    private func runBlocking() throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        let errorOutput = Pipe()
        process.standardOutput = output
        process.standardError = errorOutput
        try process.run()
        var outcome = Outcome(ending: .exited(0), output: [], errorOutputBytes: 0)
        let killedFor = read(output.fileHandleForReading, errorOutput.fileHandleForReading, of: process, into: &outcome)
        if killedFor != nil {
            // Foundation starts the child as the leader of a new process group: whatever it started goes too.
            let pid = process.processIdentifier
            _ = getpgid(pid) == pid ? kill(-pid, SIGKILL) : kill(pid, SIGKILL)
        }
        process.waitUntilExit()
        try? output.fileHandleForReading.close()
        try? errorOutput.fileHandleForReading.close()
        let status = process.terminationStatus
        outcome.ending =
            killedFor ?? (process.terminationReason == .uncaughtSignal ? .signalled(status) : .exited(status))
        return outcome
    }

    /// Reads both streams until the program has exited and they are closed, and returns `nil`; or returns why the
    /// run must be killed. A stream still open 100 ms after the exit belongs to something the program left behind,
    /// and is given up.
    private func read(
        _ output: FileHandle,
        _ errorOutput: FileHandle,
        of process: Process,
        into outcome: inout Outcome
    ) -> Ending? {
        var streams = [output, errorOutput].map { pollfd(fd: $0.fileDescriptor, events: Int16(POLLIN), revents: 0) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return .timedOut }
            let ready = poll(&streams, 2, Int32(min(left, .milliseconds(100)) / .milliseconds(1)) + 1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else {
                if process.isRunning { continue }
                return nil
            }
            for index in streams.indices where streams[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(streams[index].fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    streams[index].fd = -1
                    continue
                }
                if index == 0 { outcome.output += buffer[..<count] } else { outcome.errorOutputBytes += count }
            }
            if outcome.output.count > Self.outputLimit { return .outputTooLarge }
            if streams.allSatisfy({ $0.fd < 0 }), !process.isRunning { return nil }
        }
    }
}
