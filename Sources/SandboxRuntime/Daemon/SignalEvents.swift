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

/// The daemon's signals: SIGTERM and SIGINT stop it, SIGHUP starts a pass.
public typealias SignalEvents = SignalStream<DaemonSignal>

/// The one-shot commands' signals: SIGINT and SIGTERM.
public typealias StopSignals = SignalStream<StopSignal>

extension SignalStream where Event == DaemonSignal {
    public convenience init() {
        self.init([(SIGTERM, .stop), (SIGINT, .stop), (SIGHUP, .passNow)])
    }
}

extension SignalStream where Event == StopSignal {
    public convenience init() {
        self.init([(SIGINT, .interrupt), (SIGTERM, .terminate)])
    }
}
