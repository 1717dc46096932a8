public import Foundation
import SandboxFiles
import SandboxRuntime
import SandboxLocking

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

    /// The state as last read or written, with the identity of the file it was: every call of the simulator
    /// loads the state, and decoding the whole file each time cost a first pass more than the calls themselves.
    let cache = Locked<(identity: FileIdentity, state: SimulatorState)?>(nil)

    public init(stateDirectory: URL, readOnly: Bool) {
        directory = stateDirectory.appendingPathComponent("local", isDirectory: true)
        self.readOnly = readOnly
    }

    var file: URL { directory.appendingPathComponent("catalog.json") }

    /// The faults file: product name → `fail-provision`, `stuck`, `fail-terminate` or `slow-provision`.
    public var faultsFile: URL { directory.appendingPathComponent("faults.json") }

    /// Present while a `slow-provision` call waits to answer; deleting it answers at once.
    public var slowCallFile: URL { directory.appendingPathComponent("slow-call") }

    /// The state in the file; decoded only when the file is not the one last read or written (it was edited,
    /// deleted or replaced since: its inode, size or modification time differ).
    public func load() throws -> SimulatorState {
        let identity = FileIdentity(path: file.path)
        if let identity, let cached = cache.withLock({ $0 }), cached.identity == identity { return cached.state }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            cache.withLock { $0 = nil }
            return SimulatorState()
        }
        let state: SimulatorState
        do {
            state = try JSONDecoder().decode(SimulatorState.self, from: data)
        } catch {
            throw LocalSimulatorError("\(file.path) cannot be read (\(error)); remove it to start the simulator afresh")
        }
        // The identity read before the bytes: a change in between is seen at the next load.
        cache.withLock { $0 = identity.map { ($0, state) } }
        return state
    }

    public func save(_ state: SimulatorState) throws {
        guard !readOnly else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        cache.withLock { $0 = nil }
        try AtomicFile.write(try encoder.encode(state), to: file)
        if let identity = FileIdentity(path: file.path) { cache.withLock { $0 = (identity, state) } }
    }
}

/// Which file a path names and which version of it: device, inode, size and modification time.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int
    var modifiedNanoseconds: Int

    /// The identity of the file at `path`, or `nil` when it cannot be read.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
    }
}

/// A problem of the local simulator's own files.
public struct LocalSimulatorError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
