public import Foundation

/// The pull request's record of what sandboxd told (docs/behaviour.md §3.15), and the files of requests
/// already served (§3.16).
extension ProvisioningPolicy {
    /// How long a reading of a pull request's comments vouches for the journal: an irreversible step
    /// (a provisioning, an adoption, a lease's product looked up before `lost`, a comment) taken later
    /// than this after the last reading reads the pull request again first, so a journal restored from
    /// an older backup can neither serve a request twice nor tell it twice.
    public static let pullRequestRecordFreshness: TimeInterval = 600

    /// How long a served request's file name stays refused once its record is compacted (at least).
    public static let tombstoneLifetime: TimeInterval = 90 * 86_400
}

extension RoundPlanner {
    /// Reads the pull request of every request this journal has not read yet, before anything else is
    /// planned for it (docs/behaviour.md §3.15): after a lost or reset journal every request is new, and
    /// what its pull request shows sandboxd told decides what is left to do.
    mutating func planPullRequestReads() {
        for planned in ordered where !planned.state.isFinal && planned.record.pullRequestRead == nil {
            add(readPullRequest(planned.record), "read what its pull request shows sandboxd told, before acting on it")
        }
    }

    /// Whether the last reading of `record`'s pull request is too old to act on without another.
    func pullRequestRecordIsStale(_ record: RequestRecord) -> Bool {
        guard let read = record.pullRequestRead else { return true }
        return now.timeIntervalSince(read) > ProvisioningPolicy.pullRequestRecordFreshness
    }

    /// Puts a reading of the pull request in place of each irreversible step whose request was last read
    /// too long ago (``ProvisioningPolicy/pullRequestRecordFreshness``): the step is planned again, with
    /// what the reading found, in the next round.
    mutating func readBeforeIrreversibleSteps() {
        var reading: Set<RequestID> = []
        actions = actions.compactMap { action in
            guard action.isIrreversibleForRequester, let id = action.request, let planned = records.byID[id],
                pullRequestRecordIsStale(planned.record)
            else { return action }
            guard reading.insert(id).inserted else { return nil }
            return PlannedAction(
                readPullRequest(planned.record),
                reason: "read its pull request again before: \(action.reason)"
            )
        }
    }

    func readPullRequest(_ record: RequestRecord) -> PlannedAction.Kind {
        .readPullRequest(record.id, pullRequest: record.spec.pullRequest)
    }

    /// Marks each finished request whose file is gone (docs/behaviour.md §3.16): from then on a file of that
    /// name is refused as already served, and compaction keeps a tombstone of it.
    mutating func retireRemovedFiles() {
        for planned in ordered where planned.state.isFinal && planned.record.retired == nil && !fileExists(planned.id) {
            add(.retire(planned.id), "the finished request's file was removed")
        }
    }
}

extension PlannedAction {
    /// Whether the step does what a requester sees and cannot be taken back: a provisioning, an adoption
    /// (its `ready` comment follows), the look-up that can find a lease's product gone (`lost`), a comment
    /// posted or edited.
    var isIrreversibleForRequester: Bool {
        switch kind {
        case .provision, .adopt, .describeProduct(_, .lease), .notify: return true
        default: return false
        }
    }
}

extension DesiredState {
    /// The desired state with each file of a request already served made invalid (docs/behaviour.md
    /// §3.16): a request whose file was removed after it finished — its record, or the tombstone
    /// compaction keeps — is never served again under that name; the file is told so like an invalid
    /// one, on its pull request.
    public func refusingServedFiles(journal: JournalState) -> DesiredState {
        refusingServedFiles(journal: journal, records: PlannedRecords(journal))
    }

    /// ``refusingServedFiles(journal:)`` with the journal's records already boxed for the plan.
    func refusingServedFiles(journal: JournalState, records: PlannedRecords) -> DesiredState {
        // Only the few served ones are sorted (for the order of the diagnostics), not every file of a plan.
        let served = requests.keys.filter { id in
            if let planned = records.byID[id] { return planned.record.retired != nil && planned.state.isFinal }
            return journal.tombstones[id] != nil
        }
        guard !served.isEmpty else { return self }
        var copy = self
        for id in served.sorted() { copy.refuseServedFile(id, journal: journal) }
        return copy
    }

    /// Makes `id`'s file invalid when its request was already served (``refusingServedFiles(journal:)``, for one
    /// file: a comment's text needs only its own).
    public mutating func refuseServedFile(_ id: RequestID, journal: JournalState) {
        guard let spec = requests[id]?.spec else { return }
        let served: (state: RequestState, retired: Date)
        if let record = journal.requests[id] {
            guard record.state.isFinal, let retired = record.retired else { return }
            served = (record.state, retired)
        } else if let tombstone = journal.tombstones[id] {
            served = (tombstone.state, tombstone.retired)
        } else {
            return
        }
        let problem = Diagnostic(
            path: "\(repositoryPathPrefix)/requests/\(id.rawValue).json",
            message: "request \(id.rawValue) was already served (it \(served.state.rawValue), and its file was "
                + "removed on \(NotificationDateFormat.rfc3339(served.retired))): a request file is served "
                + "once; use a new file name to ask again"
        )
        requests[id] = .invalid(
            [problem],
            recovered: RecoveredRequest(requester: spec.requester, pullRequest: spec.pullRequest)
        )
        diagnostics.append(problem)
    }
}
