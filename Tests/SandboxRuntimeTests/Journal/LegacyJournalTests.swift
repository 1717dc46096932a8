import Foundation
import SandboxCore
import SandboxRuntime
import Testing

/// A journal written by sandboxd before the planner made every decision (snapshot format 1, with
/// `attemptFailed` records) still replays to what it meant. The fixture `Fixtures/journal-v1` was
/// written by that version: five requests, one of which failed all three provisioning attempts, its
/// snapshot taken while the third attempt's product was being cleaned up.
@Suite("a format-1 journal still replays")
struct LegacyJournalTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/journal-v1/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    static func records(_ name: String) throws -> [(seq: UInt64, payload: [UInt8])] {
        let lines = try fixture(name).split(separator: UInt8(ascii: "\n"))
        return lines.enumerated().map { (UInt64($0.offset + 1), Array($0.element)) }
    }

    /// The lineage the fixture's journal was made with.
    static func lineage() throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(try fixture("expected-state.json")))
        return try #require((object as? [String: Any])?["lineage"] as? String)
    }

    @Test("replaying the old records gives the old final state, each request where it was")
    func recordsReplay() throws {
        let state = try JournalCodec.replay(
            lineage: try Self.lineage(),
            snapshot: nil,
            records: try Self.records("records.jsonl")
        )
        let expected = try JournalCodec.replay(
            lineage: try Self.lineage(),
            snapshot: try Self.fixture("expected-state.json"),
            records: []
        )
        #expect(state == expected)
        let states = state.recordsInOrder.map { "\($0.id)=\($0.state.rawValue)" }
        #expect(states == ["a=failed", "b=ended", "c=active", "d=rejected", "e=pending"])
    }

    @Test("an old snapshot taken while the last attempt was cleaned up ends failed, not in a fourth attempt")
    func snapshotReplay() throws {
        let snapshot = try Self.fixture("snapshot.json")
        let atSnapshot = try JournalCodec.replay(lineage: try Self.lineage(), snapshot: snapshot, records: [])
        let alice = try #require(atSnapshot.requests[RequestID("a")!])
        #expect(alice.state == .terminating)
        #expect(alice.attempt == 3)

        let state = try JournalCodec.replay(
            lineage: try Self.lineage(),
            snapshot: snapshot,
            records: try Self.records("records-after-snapshot.jsonl")
        )
        let full = try JournalCodec.replay(
            lineage: try Self.lineage(),
            snapshot: nil,
            records: try Self.records("records.jsonl")
        )
        #expect(state == full)
        #expect(state.requests[RequestID("a")!]?.state == .failed)
    }

    @Test("a snapshot is written in the current format and read back unchanged")
    func snapshotRoundTrip() throws {
        let state = try JournalCodec.replay(
            lineage: try Self.lineage(),
            snapshot: nil,
            records: try Self.records("records.jsonl")
        )
        let bytes = try JournalCodec.encodeSnapshot(state)
        let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        #expect(object?["format"] as? Int == JournalCodec.snapshotFormat)
        #expect(try JournalCodec.replay(lineage: state.lineage, snapshot: bytes, records: []) == state)
    }

    @Test("a snapshot of a newer format is refused with a message saying so")
    func newerFormatRefused() throws {
        let bytes = Array(#"{"format":99,"state":{}}"#.utf8)
        #expect {
            try JournalCodec.replay(lineage: "x", snapshot: bytes, records: [])
        } throws: { error in
            "\(error)".contains("format 99")
        }
    }
}
