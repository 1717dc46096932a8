import SandboxCore

/// The daemon's forecasts beside its passes (docs/behaviour.md §6.9): after each pass the lane is given
/// the journal and desired state it left, and runs one ``ForecastRunner`` round at a time with the
/// newest it was given, so GitHub's answers never hold up a lease's end or a provisioning.
actor ForecastLane {
    let runner: ForecastRunner
    let finished: @Sendable (ForecastRunner.Report) -> Void
    private var next: (journal: JournalState, desired: DesiredState)?
    private var task: Task<Void, Never>?
    private var stopped = false

    init(runner: ForecastRunner, finished: @escaping @Sendable (ForecastRunner.Report) -> Void) {
        self.runner = runner
        self.finished = finished
    }

    /// A pass ended: forecast from what it left (after the round in progress, if one is).
    func poke(journal: JournalState, desired: DesiredState) {
        guard !stopped else { return }
        next = (journal, desired)
        guard task == nil else { return }
        task = Task { await self.drain() }
    }

    /// Ends the lane after the pull request in hand.
    func stop() async {
        stopped = true
        next = nil
        await runner.requestStop()
        await task?.value
    }

    private func drain() async {
        while let work = next, !stopped {
            next = nil
            finished(await runner.round(journal: work.journal, desired: work.desired))
        }
        task = nil
    }
}
