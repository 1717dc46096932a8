public import Foundation

/// What a program said and how it ended.
public struct CommandResult: Sendable {
    public var status: Int32
    public var output: Data
    public var errorOutput: String

    public var outputText: String { String(decoding: output, as: UTF8.self) }
}

/// Runs a program to its end on a thread of its own, so the test's concurrency pool is never blocked;
/// its input and outputs go through temporary files, so no pipe can fill up.
public func runCommand(
    _ executable: String,
    _ arguments: [String],
    environment: [String: String],
    directory: URL? = nil,
    input: Data? = nil
) async throws -> CommandResult {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            do {
                continuation.resume(
                    returning: try runCommandBlocking(executable, arguments, environment, directory, input)
                )
            } catch {
                continuation.resume(throwing: error)
            }
        }.start()
    }
}

private func runCommandBlocking(
    _ executable: String,
    _ arguments: [String],
    _ environment: [String: String],
    _ directory: URL?,
    _ input: Data?
) throws -> CommandResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sandboxd-cmd-\(UUID())")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let paths = ["in", "out", "err"].map { scratch.appendingPathComponent($0) }
    try (input ?? Data()).write(to: paths[0])
    for path in paths.dropFirst() { _ = FileManager.default.createFile(atPath: path.path, contents: nil) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = Sanitizer.childEnvironment(environment)
    if let directory { process.currentDirectoryURL = directory }
    process.standardInput = try FileHandle(forReadingFrom: paths[0])
    process.standardOutput = try FileHandle(forWritingTo: paths[1])
    process.standardError = try FileHandle(forWritingTo: paths[2])
    try process.run()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus,
        output: try Data(contentsOf: paths[1]),
        errorOutput: String(decoding: try Data(contentsOf: paths[2]), as: UTF8.self)
    )
}
