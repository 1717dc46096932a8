public import Foundation
import SandboxFiles
import SandboxRuntime
import SandboxLocking

/// Where the simulator keeps its state.
public protocol LocalCatalogStorage: Sendable {
    func load() throws -> SimulatorState
    func save(_ state: SimulatorState) throws
}

/// The simulator's state in memory (tests).
public final class InMemoryCatalogStorage: LocalCatalogStorage {
    private let state = Locked(SimulatorState())

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

    /// The faults file: product name → `fail-provision`, `stuck`, `fail-terminate` or `slow-provision`.
    public var faultsFile: URL { directory.appendingPathComponent("faults.json") }

    /// Present while a `slow-provision` call waits to answer; deleting it answers at once.
    public var slowCallFile: URL { directory.appendingPathComponent("slow-call") }

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
