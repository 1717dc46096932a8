import Foundation

/// One journal record as a plan reads it: held by reference, so that the walks of a plan (each step walks every
/// request, docs/BENCHMARKS.md "How cost grows") pass one reference around instead of copying the record's
/// twenty-odd references at every step. Made once per plan, never changed.
final class PlannedRecord {
    let record: RequestRecord
    /// ``RequestRecord/state``, read once: a computed property of the record copies it whole at every read.
    let state: RequestState
    /// ``RequestRecord/id``.
    let id: RequestID

    init(_ record: RequestRecord) {
        self.record = record
        state = record.state
        id = record.id
    }
}

/// The journal's records for one plan: in queue order, and by id (``PlannedRecord``).
struct PlannedRecords {
    /// Every record in queue order (first seen first; ties by id), as ``JournalState/recordsInOrder``.
    let ordered: [PlannedRecord]
    /// Every record, in the order of the journal's dictionary (where a first match decides, as the walks over
    /// `journal.requests.values` did).
    let unordered: [PlannedRecord]
    /// Every record by id.
    let byID: [RequestID: PlannedRecord]

    init(_ journal: JournalState) {
        var unordered: [PlannedRecord] = []
        unordered.reserveCapacity(journal.requests.count)
        var byID: [RequestID: PlannedRecord] = [:]
        byID.reserveCapacity(journal.requests.count)
        for (id, record) in journal.requests {
            let planned = PlannedRecord(record)
            unordered.append(planned)
            byID[id] = planned
        }
        self.unordered = unordered
        self.byID = byID
        ordered = unordered.sorted { lhs, rhs in
            let left = lhs.record.order
            let right = rhs.record.order
            return left != right ? left < right : lhs.record.id < rhs.record.id
        }
    }

    /// A copy of the record of `id`, if the journal has one (for the rare look-ups; a walk reads ``byID`` in place).
    subscript(id: RequestID) -> RequestRecord? { byID[id]?.record }
}
