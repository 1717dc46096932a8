/// Why the DynamoDB journal refused (docs/behaviour.md §12.2).
public enum HAJournalError: Error, Sendable, CustomStringConvertible {
    /// The lease is another term's: this replica is no longer the leader and must make no further call. The
    /// daemon steps down to standby.
    case deposed(fence: UInt64)
    /// The table could not be read or written.
    case table(DynamoDBError)
    /// The items do not make a journal (a gap, a missing snapshot part): nothing is written; the message says what.
    case corrupted(String)
    /// `ha import` into a table that already holds a journal for the pool.
    case alreadyPresent(pool: String, table: String)

    public var description: String {
        switch self {
        case .deposed(let fence):
            return "term \(fence) is over: another replica holds the lease, this one steps down to standby"
        case .table(let error):
            return "the HA table: \(error)"
        case .corrupted(let detail):
            return "the journal in the HA table is damaged: \(detail)"
        case .alreadyPresent(let pool, let table):
            return "the HA table \(table) already holds a journal for pool \(pool): nothing imported "
                + "(delete the pool's items first to replace it)"
        }
    }
}
