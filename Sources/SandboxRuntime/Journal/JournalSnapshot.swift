/// A snapshot read back from a ``FileJournal``: an opaque payload that stands for every record up to and
/// including ``seq`` (see ``FileJournal/compact(snapshot:)``).
public struct JournalSnapshot: Sendable, Hashable {
    /// The sequence number of the last record the snapshot covers.
    public var seq: UInt64
    /// The bytes passed to ``FileJournal/compact(snapshot:)``.
    public var payload: [UInt8]

    /// Creates a snapshot value.
    ///
    /// - Parameters:
    ///   - seq: The sequence number of the last record covered.
    ///   - payload: The payload bytes.
    public init(seq: UInt64, payload: [UInt8]) {
        self.seq = seq
        self.payload = payload
    }
}
