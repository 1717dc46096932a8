/// The error the crash decorators throw into the executor once the process is "killed".
public struct SimulatedCrash: Error, Sendable, CustomStringConvertible {
    /// The step at which the process was killed.
    public let step: Int

    /// Creates the error for a kill at `step`.
    public init(step: Int) { self.step = step }

    /// `simulated crash after step N`.
    public var description: String { "simulated crash after step \(step)" }
}
