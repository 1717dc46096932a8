import SandboxGitHub
import SandboxRuntime

extension DaemonRunner {
    /// The forecasts' GitHub calls in the metrics file (docs/behaviour.md §6.9, §8): what they cost since the
    /// process started, by kind, and how much of the current window's share is used.
    static func forecastMetrics(_ budget: ForecastBudget, pool: String) -> String {
        let counts = budget.counts
        let label = "pool=\"\(MetricsFile.escape(pool))\""
        let kinds = [
            ("read", counts.reads), ("not_modified", counts.notModified), ("comment_write", counts.commentWrites),
            ("status_write", counts.statusWrites), ("refused", counts.refused),
        ]
        var text = """
            # HELP sandboxd_forecast_github_calls_total The forecasts' GitHub calls by kind: reads that used the \
            rate limit, free 304 reads, comment and status writes, and calls the spent share kept back.
            # TYPE sandboxd_forecast_github_calls_total counter

            """
        for (kind, count) in kinds {
            text += "sandboxd_forecast_github_calls_total{\(label),kind=\"\(kind)\"} \(count)\n"
        }
        text += """
            # HELP sandboxd_forecast_budget_used Calls of the forecasts that used the rate limit in its current window.
            # TYPE sandboxd_forecast_budget_used gauge
            sandboxd_forecast_budget_used{\(label)} \(budget.used)
            # HELP sandboxd_forecast_budget_allowance The calls --forecast-budget allows the forecasts in a window.
            # TYPE sandboxd_forecast_budget_allowance gauge
            sandboxd_forecast_budget_allowance{\(label)} \(budget.windowAllowance)

            """
        return text
    }
}
