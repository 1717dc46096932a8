import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// sandboxd as git's askpass program: the one way a token reaches git (docs/behaviour.md §4.9).
///
/// ``GitMirror`` starts git with `GIT_ASKPASS` naming the sandboxd executable, ``markerVariable`` set
/// and the token in ``tokenVariable`` — in the child's environment only, never in an argument, the
/// clone's configuration or a file. git runs `sandboxd "Username for 'https://github.com': "` and then
/// `sandboxd "Password for 'https://x-access-token@github.com': "`; `main.swift` calls
/// ``answerIfAsked(arguments:environment:)`` before anything else, so those runs print the answer and exit.
public enum GitAskPass {
    /// Set to `1` in the environment of a git child that may ask sandboxd for credentials.
    public static let markerVariable = "SANDBOXD_GIT_ASKPASS"
    /// The token itself, in the same environment.
    public static let tokenVariable = "SANDBOXD_GIT_ASKPASS_TOKEN"
    /// The user name GitHub takes with an installation token or a personal access token.
    public static let username = "x-access-token"

    /// Answers git's prompt when this process was started as its askpass program.
    /// - Parameters:
    ///   - arguments: The process's arguments: the program, then git's prompt.
    ///   - environment: The process's environment.
    /// - Returns: `nil` when ``markerVariable`` is not `1` (a normal sandboxd run: carry on); otherwise the
    ///   exit status, after printing ``username`` for a prompt starting with `Username`, the token for
    ///   one starting with `Password`, or nothing (status 1) for any other prompt or a missing token.
    public static func answerIfAsked(arguments: [String], environment: [String: String]) -> Int32? {
        guard environment[markerVariable] == "1" else { return nil }
        guard let reply = answer(prompt: arguments.dropFirst().first ?? "", environment: environment) else {
            FileHandle.standardError.write(Data("sandboxd: git asked for something sandboxd does not answer\n".utf8))
            return 1
        }
        FileHandle.standardOutput.write(Data((reply + "\n").utf8))
        return 0
    }

    /// The answer to `prompt`, or `nil` when sandboxd gives none.
    static func answer(prompt: String, environment: [String: String]) -> String? {
        if prompt.hasPrefix("Username") { return username }
        if prompt.hasPrefix("Password"), let token = environment[tokenVariable], !token.isEmpty { return token }
        return nil
    }

    /// The program git should run: this executable, as the kernel knows it (`/proc/self/exe`), else the
    /// first argument made absolute.
    static func currentExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 {
            let path = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // Replaced by an upgrade while running: the new program at the same path answers as well.
            return path.hasSuffix(" (deleted)") ? String(path.dropLast(" (deleted)".count)) : path
        }
        let first = CommandLine.arguments.first ?? "sandboxd"
        if first.hasPrefix("/") { return first }
        return URL(fileURLWithPath: first, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }
}
