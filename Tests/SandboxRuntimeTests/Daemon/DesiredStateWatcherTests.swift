import Foundation
import Glibc
import SandboxRuntime
import SandboxLocking
import Testing

/// Counts the elements of a watcher's `changes`, read by a task of its own from the start, and lets a test wait
/// (with a timeout) for a count or for the end of the stream.
private final class ChangeRecorder: Sendable {
    private struct Waiter {
        var isSatisfied: @Sendable (Int, Bool) -> Bool
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var count = 0
        var finished = false
        var waiters: [Int: Waiter] = [:]
        var expired: Set<Int> = []
        var lastID = 0
    }

    private let state = Locked(State())

    init(_ changes: AsyncStream<Void>) {
        Task { [self] in
            for await _ in changes { update { $0.count += 1 } }
            update { $0.finished = true }
        }
    }

    /// The elements received so far.
    var count: Int { state.withLock { $0.count } }

    /// Waits until at least `count` elements were received; `false` when the stream ended before or `timeout`
    /// passed.
    func waitFor(count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        await wait(timeout: timeout) { received, finished in received >= count || finished }
            && self.count >= count
    }

    /// Waits until the stream ended; `false` when `timeout` passed first.
    func waitForEnd(timeout: Duration = .seconds(10)) async -> Bool {
        await wait(timeout: timeout) { _, finished in finished }
    }

    private func wait(timeout: Duration, until isSatisfied: @escaping @Sendable (Int, Bool) -> Bool) async -> Bool {
        let id = state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            let waiter = state.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    state.expired.insert(id)
                    return Waiter?.none
                }
                return waiter
            }
            waiter?.continuation.resume(returning: false)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let answer: Bool? = state.withLock { state in
                if isSatisfied(state.count, state.finished) { return true }
                if state.expired.contains(id) { return false }
                state.waiters[id] = Waiter(isSatisfied: isSatisfied, continuation: continuation)
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    private func update(_ change: (inout State) -> Void) {
        let satisfied = state.withLock { state in
            change(&state)
            let ready = state.waiters.filter { $0.value.isSatisfied(state.count, state.finished) }
            for id in ready.keys { state.waiters[id] = nil }
            return Array(ready.values)
        }
        for waiter in satisfied { waiter.continuation.resume(returning: true) }
    }
}

/// A fresh temporary directory holding `desired-state/` (with `pool.json`, and `requests/` unless told not to),
/// a watcher of it and a recorder of the watcher's changes.
private struct WatchedTree {
    let root: String
    let watcher: DesiredStateWatcher
    let recorder: ChangeRecorder

    /// The desired-state directory.
    var directory: String { root + "/desired-state" }

    init(
        mode: DesiredStateWatcher.Mode = .automatic,
        withRequests: Bool = true,
        directory makeDirectory: ((String) throws -> Void)? = nil
    ) throws {
        root = FileManager.default.temporaryDirectory.path + "/sandboxd-watch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let directory = root + "/desired-state"
        if let makeDirectory {
            try makeDirectory(root)
        } else {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Self.write(directory + "/pool.json", "{}")
            if withRequests {
                try FileManager.default.createDirectory(
                    atPath: directory + "/requests",
                    withIntermediateDirectories: true
                )
            }
        }
        watcher = DesiredStateWatcher(directory: directory, mode: mode)
        recorder = ChangeRecorder(watcher.changes)
    }

    /// `relative` under the desired-state directory.
    func path(_ relative: String) -> String { directory + "/" + relative }

    /// Writes `text` to `path` in place (open, truncate, write, close).
    static func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Writes `text` to a temporary file next to `path` and renames it over `path`, as git and editors do.
    static func replace(_ path: String, _ text: String) throws {
        try write(path + ".tmp", text)
        guard rename(path + ".tmp", path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// Stops the watcher and removes the temporary directory.
    func remove() {
        watcher.stop()
        try? FileManager.default.removeItem(atPath: root)
    }
}

@Suite("DesiredStateWatcher: a change of the desired-state tree becomes one element of its stream")
struct DesiredStateWatcherTests {
    /// What a test does to a request file.
    enum FileChange: String, CaseIterable, Sendable {
        case create
        case rewrite
        case renameOver = "rename over"
        case delete
    }

    static let modes: [DesiredStateWatcher.Mode] = [.automatic, .polling(interval: .milliseconds(100))]

    @Test(
        "creating, rewriting, renaming over and deleting a request file each produce a change (inotify and polling)",
        arguments: FileChange.allCases,
        modes
    )
    func fileChangeIsSeen(change: FileChange, mode: DesiredStateWatcher.Mode) async throws {
        let tree = try WatchedTree(mode: mode)
        defer { tree.remove() }
        let file = tree.path("requests/alice.json")
        if change != .create { try WatchedTree.write(file, #"{"lease": "1d"}"#) }
        tree.watcher.start()

        switch change {
        case .create: try WatchedTree.write(file, "{}")
        case .rewrite: try WatchedTree.write(file, #"{"lease": "14d"}"#)  // another size: polling sees it at once
        case .renameOver: try WatchedTree.replace(file, #"{"lease": "3d"}"#)
        case .delete: try FileManager.default.removeItem(atPath: file)
        }

        #expect(await tree.recorder.waitFor(count: 1), "no change seen after \(change.rawValue)")
    }

    @Test("the automatic mode uses inotify where the kernel grants an instance")
    func automaticUsesInotify() throws {
        let tree = try WatchedTree()
        defer { tree.remove() }
        #expect(tree.watcher.mechanism == nil)
        tree.watcher.start()
        #expect(tree.watcher.usesInotify)
        #expect(tree.watcher.mechanism?.description == "inotify")
    }

    @Test("the polling mode says so")
    func pollingModeReportsPolling() throws {
        let tree = try WatchedTree(mode: .polling(interval: .seconds(2)))
        defer { tree.remove() }
        tree.watcher.start()
        #expect(tree.watcher.mechanism == .polling(interval: .seconds(2)))
        #expect(tree.watcher.mechanism?.description == "polling every 2 s")
        #expect(!tree.watcher.usesInotify)
    }

    @Test("a burst of 50 writes within 100 ms comes as one or two changes, not 50")
    func burstIsCoalesced() async throws {
        let tree = try WatchedTree()
        defer { tree.remove() }
        tree.watcher.start()

        // 2 ms apart, so that the watcher's thread wakes for most of them: its reads do not coalesce them alone.
        let started = ContinuousClock.now
        var last = started
        var quietGaps = 0
        for index in 0..<50 {
            try WatchedTree.write(tree.path("requests/r\(index % 10).json"), "{\"n\": \(index)}")
            try await Task.sleep(for: .milliseconds(2))
            // On a loaded machine a 2 ms sleep can last longer than the quiet period (150 ms): the burst
            // then really pauses there, and a change may come at each such pause.
            let now = ContinuousClock.now
            if now - last > .milliseconds(150) { quietGaps += 1 }
            last = now
        }
        // The burst can also last longer than the maximum delay (1 s): one change may come per second
        // of it, and never one per write.
        let lasted = ContinuousClock.now - started
        let allowed = 2 + Int(lasted / .seconds(1)) + quietGaps

        #expect(await tree.recorder.waitFor(count: 1))
        // Negative check: longer than the quiet period and the maximum delay, no further change comes.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(
            (1...allowed).contains(tree.recorder.count),
            "\(tree.recorder.count) changes for one burst of \(lasted)"
        )
    }

    @Test("a steady stream of writes still yields a change while it goes on")
    func steadyStreamYieldsChanges() async throws {
        let tree = try WatchedTree()
        defer { tree.remove() }
        tree.watcher.start()
        let done = Locked(false)
        let writer = Task { [path = tree.path("requests/busy.json")] in
            var index = 0
            while !done.withLock({ $0 }) && index < 1000 {
                index += 1
                try? WatchedTree.write(path, "{\"n\": \(index)}")
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        defer { writer.cancel() }

        #expect(await tree.recorder.waitFor(count: 1), "writes every 20 ms must not hold the change back for ever")
        done.withLock { $0 = true }
    }

    @Test("a requests/ or templates/ directory made after the start is watched", arguments: ["requests", "templates"])
    func laterSubdirectoryIsWatched(name: String) async throws {
        let tree = try WatchedTree(withRequests: false)
        defer { tree.remove() }
        tree.watcher.start()

        try FileManager.default.createDirectory(atPath: tree.path(name), withIntermediateDirectories: false)
        #expect(await tree.recorder.waitFor(count: 1), "the new directory is a change")
        try WatchedTree.write(tree.path(name + "/a.json"), "{}")
        #expect(await tree.recorder.waitFor(count: 2), "a file written into the new directory is a change")
    }

    @Test("a requests/ directory moved in after the start is watched")
    func movedInSubdirectoryIsWatched() async throws {
        let tree = try WatchedTree(withRequests: false)
        defer { tree.remove() }
        try FileManager.default.createDirectory(atPath: tree.root + "/incoming", withIntermediateDirectories: false)
        tree.watcher.start()

        #expect(rename(tree.root + "/incoming", tree.path("requests")) == 0)
        #expect(await tree.recorder.waitFor(count: 1), "the directory moved in is a change")
        try WatchedTree.write(tree.path("requests/a.json"), "{}")
        #expect(await tree.recorder.waitFor(count: 2), "a file written into the moved-in directory is a change")
    }

    @Test("a symlinked desired-state directory swapped for another checkout is a change, and the new one is watched")
    func symlinkSwapIsFollowed() async throws {
        let tree = try WatchedTree { root in
            for checkout in ["checkout-a", "checkout-b"] {
                try FileManager.default.createDirectory(
                    atPath: root + "/" + checkout + "/requests",
                    withIntermediateDirectories: true
                )
                try WatchedTree.write(root + "/" + checkout + "/pool.json", "{}")
            }
            try FileManager.default.createSymbolicLink(
                atPath: root + "/desired-state",
                withDestinationPath: "checkout-a"
            )
        }
        defer { tree.remove() }
        tree.watcher.start()
        #expect(tree.watcher.usesInotify)

        try FileManager.default.createSymbolicLink(atPath: tree.root + "/next", withDestinationPath: "checkout-b")
        #expect(rename(tree.root + "/next", tree.directory) == 0)
        #expect(await tree.recorder.waitFor(count: 1), "the swap is a change")
        try WatchedTree.write(tree.root + "/checkout-b/requests/a.json", "{}")
        #expect(await tree.recorder.waitFor(count: 2), "a file written into the new checkout is a change")
    }

    @Test("a desired-state directory removed and made again is watched again")
    func recreatedDirectoryIsWatched() async throws {
        let tree = try WatchedTree()
        defer { tree.remove() }
        tree.watcher.start()

        try FileManager.default.removeItem(atPath: tree.directory)
        #expect(await tree.recorder.waitFor(count: 1), "the removal is a change")
        try FileManager.default.createDirectory(atPath: tree.path("requests"), withIntermediateDirectories: true)
        #expect(await tree.recorder.waitFor(count: 2), "the new directory is a change")
        try WatchedTree.write(tree.path("requests/a.json"), "{}")
        #expect(await tree.recorder.waitFor(count: 3), "a file written into the new directory is a change")
    }

    @Test("nothing changing means no element (inotify and polling)", arguments: modes)
    func quietTreeYieldsNothing(mode: DesiredStateWatcher.Mode) async throws {
        let tree = try WatchedTree(mode: mode)
        defer { tree.remove() }
        tree.watcher.start()

        // Negative check: half a second with nothing written.
        try await Task.sleep(for: .milliseconds(500))
        #expect(tree.recorder.count == 0)
    }

    @Test("stop() ends the stream, also twice and before start(); start() after it does nothing", arguments: modes)
    func stopEndsTheStream(mode: DesiredStateWatcher.Mode) async throws {
        let tree = try WatchedTree(mode: mode)
        defer { tree.remove() }
        tree.watcher.start()
        tree.watcher.start()

        tree.watcher.stop()
        #expect(await tree.recorder.waitForEnd(), "the for-await loop over changes must finish")
        tree.watcher.stop()
        tree.watcher.start()

        let unstarted = DesiredStateWatcher(directory: tree.directory)
        let recorder = ChangeRecorder(unstarted.changes)
        unstarted.stop()
        #expect(await recorder.waitForEnd())
    }

    @Test("a watcher that goes away stops its thread and ends the stream")
    func deinitStops() async throws {
        let tree = try WatchedTree()
        defer { tree.remove() }
        var watcher: DesiredStateWatcher? = DesiredStateWatcher(directory: tree.directory)
        let recorder = ChangeRecorder(watcher!.changes)
        watcher?.start()
        watcher = nil
        #expect(await recorder.waitForEnd())
    }
}
