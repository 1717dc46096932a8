public import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where the simulator keeps its state.
public protocol LocalCatalogStorage: Sendable {
    func load() throws -> SimulatorState
    func save(_ state: SimulatorState) throws
}

/// The simulator's state in memory (tests).
public final class InMemoryCatalogStorage: LocalCatalogStorage {
    private let state = Mutex(SimulatorState())

    public init() {}

    public func load() throws -> SimulatorState { state.withLock { $0 } }

    public func save(_ newState: SimulatorState) throws { state.withLock { $0 = newState } }
}

/// The simulator's state in `<state-dir>/local/catalog.json`, replaced atomically (temporary file,
/// fsync, rename, directory fsync). Opened read-only, it never writes (`plan`, `status`).
public struct FileCatalogStorage: LocalCatalogStorage {
    public let directory: URL
    public let readOnly: Bool

    public init(stateDirectory: URL, readOnly: Bool) {
        directory = stateDirectory.appendingPathComponent("local", isDirectory: true)
        self.readOnly = readOnly
    }

    var file: URL { directory.appendingPathComponent("catalog.json") }

    /// The faults file: product name → `fail-provision`, `stuck` or `fail-terminate`.
    public var faultsFile: URL { directory.appendingPathComponent("faults.json") }

    public func load() throws -> SimulatorState {
        guard let data = FileManager.default.contents(atPath: file.path) else { return SimulatorState() }
        do {
            return try JSONDecoder().decode(SimulatorState.self, from: data)
        } catch {
            throw LocalSimulatorError("\(file.path) cannot be read (\(error)); remove it to start the simulator afresh")
        }
    }

    public func save(_ state: SimulatorState) throws {
        guard !readOnly else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(state), to: file)
    }
}

/// A problem of the local simulator's own files.
public struct LocalSimulatorError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Replaces a file atomically and durably.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `url`, fsyncs it, renames it over `url` and fsyncs the
    /// directory. Creates the directory (0700) when missing; the file is 0600.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LocalSimulatorError("cannot write \(temporary.path): \(errnoText())") }
        var failure: String?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errnoText()
                    return
                }
                offset += written
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = errnoText() }
        close(fd)
        if let failure { throw LocalSimulatorError("cannot write \(temporary.path): \(failure)") }
        guard rename(temporary.path, url.path) == 0 else {
            throw LocalSimulatorError("cannot rename \(temporary.path): \(errnoText())")
        }
        let directoryFD = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
