import SandboxCommands
import Testing

/// docs/behaviour.md §4.3, §6.9: `--forecast-budget PERCENT` (`SANDBOXD_FORECAST_BUDGET`) and `--no-forecast`.
@Suite("CommandOptions: forecasts")
struct ForecastOptionsTests {
    private func resolve(
        _ arguments: [String],
        _ environment: [String: String] = [:]
    ) throws(UsageError) -> CommandOptions? {
        guard case .run(let options) = try CommandOptions.resolve(arguments: arguments, environment: environment) else {
            return nil
        }
        return options
    }

    @Test("forecasts are on by default with 10 % of the rate limit")
    func defaults() throws {
        #expect(try resolve(["run"])?.forecastBudget == 10)
    }

    @Test(
        "the flag, its variable, a trailing %, and --no-forecast",
        arguments: [
            (["run", "--forecast-budget", "25"], [String: String](), 25),
            (["run"], ["SANDBOXD_FORECAST_BUDGET": "30"], 30),
            (["run", "--forecast-budget", "5%"], [:], 5),
            (["run", "--forecast-budget", "40"], ["SANDBOXD_FORECAST_BUDGET": "30"], 40),
            (["run", "--forecast-budget", "0"], [:], 0),
            (["run", "--no-forecast"], ["SANDBOXD_FORECAST_BUDGET": "30"], 0),
        ]
    )
    func values(arguments: [String], environment: [String: String], expected: Int) throws {
        #expect(try resolve(arguments, environment)?.forecastBudget == expected)
    }

    @Test(
        "a budget that is no percentage is a usage error naming the option",
        arguments: ["101", "200%", "ten", "1.5", "٣"]
    )
    func badBudget(_ text: String) {
        do throws(UsageError) {
            _ = try resolve(["run", "--forecast-budget", text])
            Issue.record("expected a usage error")
        } catch {
            #expect(error.message.contains("--forecast-budget") && error.message.contains("0 to 100"))
        }
    }

    @Test("the variable's bad value names the variable")
    func badVariable() {
        do throws(UsageError) {
            _ = try resolve(["run"], ["SANDBOXD_FORECAST_BUDGET": "lots"])
            Issue.record("expected a usage error")
        } catch {
            #expect(error.message.contains("SANDBOXD_FORECAST_BUDGET"))
        }
    }

    @Test("the forecast options belong to run only")
    func runOnly() {
        #expect(throws: UsageError.self) { _ = try resolve(["reconcile", "--no-forecast"]) }
    }
}
