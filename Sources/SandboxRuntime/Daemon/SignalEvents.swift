import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A signal the daemon acts on.
public enum DaemonSignal: Sendable, Hashable {
    /// SIGTERM or SIGINT: finish the call in flight, record it, exit 0.
    case stop
    /// SIGHUP: start a pass at once.
    case passNow
    /// SIGUSR1: log what the daemon is doing (its last pass, its next wake), and carry on.
    case report
}

/// The signals no command dies of (docs/behaviour.md §4.1): SIGPIPE (a reader that went away: the write
/// fails and the output ends quietly), SIGUSR1, SIGUSR2 and SIGALRM (sent by mistake or by a tool; `run`
/// gives SIGUSR1 a meaning, ``DaemonSignal/report``). Their default action ends the process.
public enum ProcessSignals {
    /// Sets the signals above to be ignored; called first thing by the executable. A child started with
    /// `Foundation.Process` gets every signal's default action back.
    public static func ignoreHarmless() {
        for number in [SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM] { signal(number, SIG_IGN) }
    }
}

/// SIGINT or SIGTERM as the one-shot commands take them (docs/behaviour.md §4.1): like `run`, they let
/// the call in flight finish and be recorded, then exit with the signal's conventional status.
public enum StopSignal: Sendable, Hashable {
    /// SIGINT (Ctrl-C).
    case interrupt
    /// SIGTERM.
    case terminate

    /// `SIGINT`, `SIGTERM`.
    public var name: String { self == .interrupt ? "SIGINT" : "SIGTERM" }

    /// 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.
    public var exitCode: Int32 { 128 + (self == .interrupt ? SIGINT : SIGTERM) }
}

/// Turns signals into an `AsyncStream` of events (their default actions are ignored while it lives).
/// `@unchecked`: the sources are set once in `init` and only cancelled in `deinit`.
public final class SignalStream<Event: Sendable>: @unchecked Sendable {
    public let stream: AsyncStream<Event>
    private let sources: [any DispatchSourceSignal]

    /// - Parameter signals: each signal number with the event it becomes.
    public init(_ signals: [(Int32, Event)]) {
        let (stream, continuation) = AsyncStream<Event>.makeStream()
        self.stream = stream
        sources = signals.map { number, event in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(event) }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}

/// The daemon's signals: SIGTERM and SIGINT stop it, SIGHUP starts a pass, SIGUSR1 logs its state.
public typealias SignalEvents = SignalStream<DaemonSignal>

/// The one-shot commands' signals: SIGINT and SIGTERM.
public typealias StopSignals = SignalStream<StopSignal>

extension SignalStream where Event == DaemonSignal {
    public convenience init() {
        self.init([(SIGTERM, .stop), (SIGINT, .stop), (SIGHUP, .passNow), (SIGUSR1, .report)])
    }
}

extension SignalStream where Event == StopSignal {
    public convenience init() {
        self.init([(SIGINT, .interrupt), (SIGTERM, .terminate)])
    }
}
