import Foundation
import Glibc
import SandboxCore
import SandboxLocal
import SandboxTesting
import SandboxLocking
import Testing

@testable import SandboxRuntime

/// The journal's data flushes: how many, and how long the active segment was at each (what is durable).
private final class FlushLog: Sendable {
    private let lengths = Locked<[Int]>([])

    /// Flushes so far.
    var count: Int { lengths.withLock { $0.count } }
    /// The segment's length at the last flush: everything before it is on disk.
    var durableLength: Int { lengths.withLock { $0.last ?? 0 } }

    /// The real flush calls, counted.
    var sync: JournalSync {
        JournalSync(
            syncData: { fd in
                var info = stat()
                _ = fstat(fd, &info)
                self.lengths.withLock { $0.append(Int(info.st_size)) }
                return JournalSync.system.syncData(fd)
            },
            syncAll: JournalSync.system.syncAll
        )
    }
}

/// What the journal on disk held when the catalog was asked to provision.
private struct ProvisionSighting: Sendable {
    var name: String
    var flushes: Int
    var segmentLength: Int
    var durableLength: Int
    var provisioningOnDisk: Set<RequestID>
    var requestsOnDisk: Int
}

/// The sightings, shared with the catalog's interceptor.
private final class Sightings: Sendable {
    private let list = Locked<[ProvisionSighting]>([])

    func add(_ sighting: ProvisionSighting) { list.withLock { $0.append(sighting) } }
    var all: [ProvisionSighting] { list.withLock { $0 } }
}

@Suite("group commit: one flush per round, every intent durable before its call")
struct GroupCommitTests {
    /// The journal as a restart would find it now (empty when it cannot be read).
    static func journalOnDisk(_ directory: URL) -> JournalState {
        guard let contents = try? FileJournal.read(stateDirectory: directory),
            let state = try? JournalCodec.replay(contents)
        else { return JournalState(lineage: "") }
        return state
    }

    @Test("the records of one append(contentsOf:) take one fdatasync and read back in order")
    func batchIsOneFlush() throws {
        try withStateDirectory { directory in
            let flushes = FlushLog()
            let (journal, _) = try FileJournal.open(stateDirectory: directory, sync: flushes.sync)
            let before = flushes.count
            let payloads = (1...100).map { Array("record \($0)".utf8) }
            #expect(try journal.append(contentsOf: payloads) == 100)
            #expect(flushes.count == before + 1)
            #expect(try journal.append(contentsOf: []) == 100)
            #expect(flushes.count == before + 1)
            journal.close()

            let contents = try #require(try FileJournal.read(stateDirectory: directory))
            #expect(contents.records.map(\.seq) == Array(1...100))
            #expect(contents.records.map(\.payload) == payloads)
        }
    }

    @Test("a round's transitions go out with the first intent in one flush; a steady pass flushes nothing")
    func roundIsOneFlush() async throws {
        try await withAsyncStateDirectory { directory in
            let clock = ManualClock()
            let flushes = FlushLog()
            let (journal, contents) = try FileJournal.open(stateDirectory: directory, sync: flushes.sync)
            defer { journal.close() }
            let segment = directory.appendingPathComponent("journal/000001.log").path
            let sightings = Sightings()
            let catalog = InMemoryCatalog(clock: clock)
            await catalog.intercept { interceptors in
                interceptors.provision = { request, next async throws(CatalogError) -> CatalogReceipt in
                    // What a crash now would leave: the journal as far as it was flushed.
                    let state = Self.journalOnDisk(directory)
                    var info = stat()
                    _ = stat(segment, &info)
                    let sighting = ProvisionSighting(
                        name: request.name,
                        flushes: flushes.count,
                        segmentLength: Int(info.st_size),
                        durableLength: flushes.durableLength,
                        provisioningOnDisk: Set(
                            state.requests.values.filter { $0.state == .provisioning }.map(\.id)
                        ),
                        requestsOnDisk: state.requests.count
                    )
                    sightings.add(sighting)
                    return try await next(request)
                }
            }
            let outbox = directory.appendingPathComponent("outbox")
            let reconciler = try Reconciler.replaying(
                store: journal,
                snapshot: contents.snapshot?.payload,
                records: contents.records.map { ($0.seq, $0.payload) },
                catalog: catalog,
                github: LocalGitHub(outbox: outbox),
                clock: clock
            )
            let requesters = (1...20).map { "user\($0)" }
            let desired = flowDesiredState(capacity: 2, requesters: requesters)
            let before = flushes.count

            let report = try await reconciler.pass(desired: desired)
            #expect(report.errors.isEmpty)
            let seen = sightings.all
            try #require(seen.count == 2)
            // 20 observations, the first verdict and admission and the first intent: one flush, before the call.
            #expect(seen[0].flushes == before + 1)
            #expect(seen[0].requestsOnDisk == 20)
            #expect(seen[0].provisioningOnDisk.count == 1)
            #expect(seen[1].flushes == before + 2)
            #expect(seen[1].provisioningOnDisk.count == 2)
            for sighting in seen {
                // Nothing written is waiting for a flush when the call is made.
                #expect(sighting.segmentLength == sighting.durableLength)
            }
            // One flush per call that changes the world (2 provisions, the comments), one at the end at most.
            let comments = outboxFiles(outbox).count
            let passFlushes = flushes.count - before
            #expect(passFlushes <= 2 + comments + 1)
            let records = try #require(try FileJournal.read(stateDirectory: directory)).records.count
            #expect(records >= 3 * 20)
            #expect(records > 2 * passFlushes)

            let steadyBefore = flushes.count
            let steady = try await reconciler.pass(desired: desired)
            #expect(steady.executed.filter { !$0.isComment }.isEmpty)
            #expect(flushes.count - steadyBefore <= steady.executed.count)
        }
    }

    @Test("a pass of transitions only is one flush, made before the pass returns")
    func transitionsOnlyPass() async throws {
        try await withAsyncStateDirectory { directory in
            let clock = ManualClock()
            let flushes = FlushLog()
            let (journal, contents) = try FileJournal.open(stateDirectory: directory, sync: flushes.sync)
            defer { journal.close() }
            let outbox = directory.appendingPathComponent("outbox")
            let reconciler = try Reconciler.replaying(
                store: journal,
                snapshot: contents.snapshot?.payload,
                records: contents.records.map { ($0.seq, $0.payload) },
                catalog: InMemoryCatalog(clock: clock),
                github: LocalGitHub(outbox: outbox),
                clock: clock
            )
            let requesters = (1...12).map { "user\($0)" }
            _ = try await reconciler.pass(desired: flowDesiredState(capacity: 2, requesters: requesters))
            let recordsBefore = try #require(try FileJournal.read(stateDirectory: directory)).records.count
            let before = flushes.count

            // Ten queued request files removed: ten drops, no call.
            var desired = flowDesiredState(capacity: 2, requesters: requesters)
            let queued = await reconciler.state.requests.values.filter { $0.state == .queued }.map(\.id)
            try #require(queued.count == 10)
            for id in queued { desired.requests[id] = nil }
            let report = try await reconciler.pass(desired: desired, options: PassOptions(comments: .ownLane))

            #expect(report.executed.filter { !$0.isCall }.count >= 10)
            #expect(report.executed.allSatisfy { !$0.isComment })
            #expect(flushes.count == before + 1)
            let records = try #require(try FileJournal.read(stateDirectory: directory)).records.count
            #expect(records - recordsBefore >= 10)
        }
    }
}

/// ``withStateDirectory(_:)`` for async tests.
private func withAsyncStateDirectory(_ body: (URL) async throws -> Void) async throws {
    let base = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: base) }
    try await body(base.appendingPathComponent("state"))
}
