import Foundation
import Glibc

/// Runs a profile's `credential_process` (aws-vault, granted, 1Password's `op`, …) as botocore's `ProcessProvider`
/// does (no shell, sandboxd's environment, standard input `/dev/null`) and reads the document it prints.
///
/// Whatever the program writes may be secret, so no message quotes it: a failure tells the exit status and how many
/// bytes went to standard error. A run longer than ``timeout`` is killed with its process group, so a program that
/// waits for a person cannot hold a pass.
struct ProcessCredentialsProvider: AWSCredentialsProvider {
    let profile: String
    /// Found at start-up.
    let executable: String
    let arguments: [String]
    let environment: [String: String]
    var timeout: Duration = .seconds(60)

    /// The most standard output read; more ends the run.
    static let outputLimit = 1 << 20

    private var source: String { "credential_process of profile \(profile) (\(executable))" }

    func credentials() async throws(AWSConfigurationError) -> AWSCredentials {
        let output: [UInt8]
        do {
            output = try await withCheckedThrowingContinuation { continuation in
                // On a thread of its own: the reads and the wait block.
                Thread { continuation.resume(with: Result { try run() }) }.start()
            }
        } catch let error as AWSConfigurationError {
            throw error
        } catch {
            throw .refused("\(source) could not be started: \(error.localizedDescription)")
        }
        guard let document = TemporaryCredentialsDocument.decode(TemporaryCredentialsDocument.self, from: Data(output))
        else { throw .refused("\(source) did not print a JSON credentials document") }
        guard document.version == 1 else { throw .refused("\(source) printed a document without \"Version\": 1") }
        return try document.credentials(source: source)
    }

    /// The program's standard output, once it has exited 0.
    private func run() throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let (output, errorOutput) = (Pipe(), Pipe())
        (process.standardOutput, process.standardError) = (output, errorOutput)
        try process.run()
        var (printed, errorBytes) = ([UInt8](), 0)
        let failure = read(output, errorOutput, process, &printed, &errorBytes)
        if failure != nil {
            // Foundation starts the child as the leader of a new process group: whatever it started goes too.
            let pid = process.processIdentifier
            _ = getpgid(pid) == pid ? kill(-pid, SIGKILL) : kill(pid, SIGKILL)
        }
        process.waitUntilExit()
        for pipe in [output, errorOutput] { try? pipe.fileHandleForReading.close() }
        if let failure { throw failure }
        guard process.terminationReason == .exit else {
            throw AWSConfigurationError.unavailable("\(source) was ended by signal \(process.terminationStatus)")
        }
        guard process.terminationStatus == 0 else {
            throw AWSConfigurationError.refused(
                "\(source) exited with status \(process.terminationStatus) (its \(errorBytes) bytes of standard error "
                    + "are not shown: they may hold secrets; run it by hand to see them)"
            )
        }
        return printed
    }

    /// Reads both streams until the program has exited and they are closed, and returns `nil`; or returns why the
    /// run must be killed. A stream still open 100 ms after the exit belongs to something the program left behind,
    /// and is given up.
    private func read(
        _ output: Pipe,
        _ errorOutput: Pipe,
        _ process: Process,
        _ printed: inout [UInt8],
        _ errorBytes: inout Int
    ) -> AWSConfigurationError? {
        var streams = [output, errorOutput].map {
            pollfd(fd: $0.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return .unavailable("\(source) did not finish within \(timeout) and was killed") }
            let ready = poll(&streams, 2, Int32(min(left, .milliseconds(100)) / .milliseconds(1)) + 1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else {
                if process.isRunning { continue }
                return nil
            }
            for index in streams.indices where streams[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(streams[index].fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 {
                    streams[index].fd = -1
                } else if index == 0 {
                    printed += buffer[..<count]
                } else {
                    errorBytes += count
                }
            }
            if printed.count > Self.outputLimit { return .refused("\(source) printed more than 1 MiB and was killed") }
            if streams.allSatisfy({ $0.fd < 0 }), !process.isRunning { return nil }
        }
    }
}
