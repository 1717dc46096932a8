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
