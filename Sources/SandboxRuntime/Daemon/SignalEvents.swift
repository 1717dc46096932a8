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

/// Turns SIGTERM, SIGINT and SIGHUP into an `AsyncStream` (the default actions are ignored).
/// `@unchecked`: the sources are set once in `init` and only cancelled in `deinit`.
public final class SignalEvents: @unchecked Sendable {
    public let stream: AsyncStream<DaemonSignal>
    private let sources: [any DispatchSourceSignal]

    public init() {
        let (stream, continuation) = AsyncStream<DaemonSignal>.makeStream()
        self.stream = stream
        var sources: [any DispatchSourceSignal] = []
        for (number, event) in [(SIGTERM, DaemonSignal.stop), (SIGINT, .stop), (SIGHUP, .passNow)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(event) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    deinit {
        for source in sources { source.cancel() }
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

/// Turns SIGINT and SIGTERM into an `AsyncStream` of ``StopSignal``s (their default actions are
/// ignored while it lives). `@unchecked`: the sources are set once in `init` and only cancelled in `deinit`.
public final class StopSignals: @unchecked Sendable {
    public let stream: AsyncStream<StopSignal>
    private let sources: [any DispatchSourceSignal]

    public init() {
        let (stream, continuation) = AsyncStream<StopSignal>.makeStream()
        self.stream = stream
        var sources: [any DispatchSourceSignal] = []
        for (number, event) in [(SIGINT, StopSignal.interrupt), (SIGTERM, .terminate)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(event) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
