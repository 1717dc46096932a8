/// One record read back from a ``FileJournal``: its sequence number and its opaque payload.
public struct JournalRecord: Sendable, Hashable {
    /// The record's sequence number. The first record of a journal has seq 1 and each later one the next
    /// integer; a gap is corruption.
    public var seq: UInt64
    /// The bytes passed to ``FileJournal/append(_:)``.
    public var payload: [UInt8]

    /// Creates a record value.
    ///
    /// - Parameters:
    ///   - seq: The sequence number.
    ///   - payload: The payload bytes.
    public init(seq: UInt64, payload: [UInt8]) {
        self.seq = seq
        self.payload = payload
    }
}
