import Foundation
import SandboxCore
import SandboxTesting
import Testing

// docs/behaviour.md §3.15 (the pull request's record) and §3.16 (a request file is served once): the
// comments sandboxd wrote are a second durable record, so a lost journal or an older backup restored
// neither serves a request twice nor tells it twice, and a finished request's file that comes back is
// refused whatever compaction did.
@Suite("recovery from the pull requests' record")
struct PullRequestRecordTests {
    /// Capacity 1: `a` served and ended (told), `b` active (told ready), `c` queued (told queued).
    /// Returns the world and the journal as it was before `a` ended (a backup taken then).
    static func servedWorld() async -> (world: PlannerWorld, backup: JournalState) {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [alice])
        await world.simulate()
        #expect(world.state("a") == .active)
        world.advance("1h")
        world.write(bob)
        world.write(carol)
        await world.simulate()
        let backup = world.journal
        world.advance("7d")
        await world.simulate()
        await world.simulate()
        #expect(world.state("a") == .ended)
        #expect(world.state("b") == .active)
        #expect(world.state("c") == .queued)
        return (world, backup)
    }

    /// What a requester has seen, and what the catalog was asked: nothing of it may change.
    static func told(_ world: PlannerWorld) -> [String: [String]] {
        ["a": world.github.thread("a"), "b": world.github.thread("b"), "c": world.github.thread("c")]
    }

    @Test("a deleted journal converges: nothing served twice, nothing told twice, nothing lost")
    func deletedJournal() async {
        var (world, _) = await Self.servedWorld()
        let before = Self.told(world)
        let provisioned = await world.catalog.provisionCalls.count
        let product = world.record("b")?.productId
        #expect(before["a"] == ["ready", "ended"])

        world.journal = JournalState(lineage: "lineage-after-loss")
        world.advance("1m")
        await world.simulate()
        world.advance("1m")
        await world.simulate()

        #expect(world.state("a") == .ended)
        #expect(world.record("a")?.endReason == .recovered)
        #expect(world.state("b") == .active)
        #expect(product != nil && world.record("b")?.productId == product)
        #expect(world.state("c") == .queued)
        #expect(await world.catalog.provisionCalls.count == provisioned)
        #expect(await world.catalog.liveProducts.map(\.name) == ["sandbox-b"])
        // The queued comment is the one edited, not a second one.
        #expect(
            Self.told(world).mapValues { $0.map { $0.split(separator: " ")[0] } }
                == before.mapValues {
                    $0.map { $0.split(separator: " ")[0] }
                }
        )
    }

    @Test("an older backup restored converges: the pull requests say what happened since")
    func restoredBackup() async {
        var (world, backup) = await Self.servedWorld()
        // b's lease ends too, and c is served: the backup knows none of it.
        world.advance("7d")
        await world.simulate()
        await world.simulate()
        #expect(world.state("b") == .ended)
        #expect(world.state("c") == .active)
        let before = Self.told(world)
        let provisioned = await world.catalog.provisionCalls.count

        world.journal = backup  // a active, b and c queued
        world.advance("1m")
        await world.simulate()
        world.advance("1m")
        await world.simulate()

        #expect(world.state("a") == .ended)
        #expect(world.state("c") == .active)
        // b waits behind c as the backup says; nothing about it is told or made on that word.
        #expect(world.state("b") == .queued)
        #expect(await world.catalog.provisionCalls.count == provisioned)
        #expect(Self.told(world) == before)

        // c's lease ends; b's turn comes, and its pull request says it was served: it is not made again.
        world.advance("7d")
        await world.simulate()
        await world.simulate()
        #expect(world.state("b") == .ended)
        #expect(world.state("c") == .ended)
        #expect(await world.catalog.provisionCalls.count == provisioned)
        var expected = before
        expected["c"]?.append("ended")
        #expect(Self.told(world) == expected)
        #expect(
            !world.recorded.contains {
                guard case .lost = $0 else { return false }
                return true
            }
        )
    }

    @Test("a journal read recently acts without reading the pull request again")
    func freshReadingIsNotRepeated() async {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [alice])
        await world.simulate()
        let reads = world.recorded.filter {
            guard case .pullRequestRead = $0 else { return false }
            return true
        }
        #expect(reads.count == 1)
        #expect(world.state("a") == .active)
        #expect(world.github.thread("a") == ["ready"])
    }

    @Test("a finished request's file that comes back is refused, before and after a compaction")
    func servedFileIsRefused() async {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [alice])
        await world.simulate()
        world.advance("7d1h")
        await world.simulate()
        #expect(world.state("a") == .ended)
        world.remove("a")
        await world.simulate()
        #expect(world.record("a")?.retired != nil)
        let provisioned = await world.catalog.provisionCalls.count

        // Before a compaction: the record says it was served.
        var before = world
        before.write(alice)
        await before.simulate()
        #expect(await before.catalog.provisionCalls.count == provisioned)
        #expect(before.state("a") == .ended)
        #expect(before.github.thread("a") == ["ready", "ended", "invalid"])

        // After one: the tombstone says it.
        world.journal = world.journal.compacted(fileExists: { _ in false }, now: world.now)
        #expect(world.record("a") == nil)
        #expect(world.journal.tombstones[RequestID("a")!]?.state == .ended)
        world.advance("30d")
        world.write(alice)
        await world.simulate()
        #expect(await world.catalog.provisionCalls.count == provisioned)
        #expect(world.record("a") == nil)
        #expect(world.github.thread("a") == ["ready", "ended", "invalid"])
    }

    @Test("a tombstone lasts 90 days, and longer while its file is there")
    func tombstoneLifetime() {
        var journal = JournalState(lineage: "l")
        journal.tombstones[RequestID("a")!] = Tombstone(fingerprint: "f", state: .ended, retired: t0)
        journal.tombstones[RequestID("b")!] = Tombstone(fingerprint: "f", state: .lost, retired: t0)
        let later = t0.addingTimeInterval(ProvisioningPolicy.tombstoneLifetime + 1)
        #expect(journal.compacted(fileExists: { _ in false }, now: at("89d")).tombstones.count == 2)
        let kept = journal.compacted(fileExists: { $0.rawValue == "b" }, now: later).tombstones
        #expect(kept.keys.map(\.rawValue) == ["b"])
    }
}
