import Dispatch
import Foundation
import SandboxLocking

#if canImport(Glibc)
import Glibc
#endif

/// Tells the daemon when the desired-state tree changed, so that it passes (docs/behaviour.md §7).
///
/// With inotify it watches the directory, its `requests/` and `templates/` (also when they appear later) and the
/// directory's parent (so that a directory that is replaced, e.g. a symlink renamed over it by a checkout swap,
/// or removed and created again, is watched anew). The events of a burst — a checkout writes many files, an editor
/// writes a temporary file and renames it — become one element of ``changes``, delivered once no further event came
/// for ``quietPeriod``, and at the latest ``maximumDelay`` after the first event of the burst, so that a steady
/// stream of writes still yields elements. Where inotify is not available it compares a
/// ``DesiredStateFingerprint`` every ``defaultPollingInterval`` instead (see ``Mechanism``).
///
/// A dedicated thread blocks in `poll(2)` on the inotify descriptor and a pipe that ``stop()`` writes to: while
/// nothing changes it sleeps, with no periodic wake-up at all (only while the directory is missing it looks again
/// every polling interval).
public final class DesiredStateWatcher: Sendable {
    /// How often a missing directory, or the whole tree when inotify is not available, is looked at.
    public static let defaultPollingInterval: Duration = .seconds(2)

    /// The desired-state directory, as given (symlinks are followed).
    public let directory: String
    /// inotify if possible, or polling.
    public let mode: Mode
    /// How long no further event must come before a burst is reported.
    public let quietPeriod: Duration
    /// How long after its first event a burst is reported at the latest, even while events keep coming.
    public let maximumDelay: Duration
    /// One element per change (a coalesced burst of events), from ``start()`` until ``stop()``, which finishes it.
    /// Changes that come while the consumer is busy are kept as one element, not queued one by one: a consumer
    /// that reads the whole tree after each element misses nothing.
    public let changes: AsyncStream<Void>

    private let continuation: AsyncStream<Void>.Continuation
    private let status: DesiredStateWatchStatus
    private let lifecycle = Locked(Lifecycle.idle)

    private enum Lifecycle {
        case idle
        /// `wake` is the write end of the pipe the thread polls; `finished` is signalled as the thread ends.
        case running(wake: Int32, finished: DispatchSemaphore)
        case stopped
    }

    /// A watcher of `directory`; nothing is watched before ``start()``.
    public init(
        directory: String,
        mode: Mode = .automatic,
        quietPeriod: Duration = .milliseconds(150),
        maximumDelay: Duration = .seconds(1)
    ) {
        self.directory = directory
        self.mode = mode
        self.quietPeriod = max(quietPeriod, .zero)
        self.maximumDelay = max(maximumDelay, .zero)
        (changes, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        status = DesiredStateWatchStatus()
    }

    deinit {
        stop()
    }

    /// What ``start()`` chose, or changed to since (polling once the kernel refused a watch); `nil` before
    /// ``start()``.
    public var mechanism: Mechanism? {
        status.mechanism.withLock { $0 }
    }

    /// Whether changes are learnt of through inotify (``mechanism`` is ``Mechanism/inotify``).
    public var usesInotify: Bool {
        mechanism == .inotify
    }

    /// Starts watching. The watches are in place when it returns: a change made after it is reported. Does nothing
    /// when already started or stopped. Logs nothing: read ``mechanism`` to say what is used. Should the process
    /// have no file descriptor left even for the wake pipe, nothing is watched, ``mechanism`` stays `nil` and
    /// ``changes`` ends at once.
    public func start() {
        lifecycle.withLock { state in
            guard case .idle = state else { return }
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else {
                // No pipe, no way to wake a thread: nothing is watched and the stream ends.
                state = .stopped
                continuation.finish()
                return
            }
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            }
            let loop = DesiredStateWatchLoop(
                directory: directory,
                mode: mode,
                quietPeriod: quietPeriod,
                maximumDelay: maximumDelay,
                wake: ends[0],
                continuation: continuation,
                status: status
            )
            let finished = DispatchSemaphore(value: 0)
            let thread = Thread {
                loop.run()
                finished.signal()
            }
            thread.name = "sandboxd-desired-state-watcher"
            thread.start()
            state = .running(wake: ends[1], finished: finished)
        }
    }

    /// Stops watching: wakes the thread, waits for it to end and finishes ``changes``. Idempotent; also done on
    /// `deinit`. A watcher that is stopped cannot be started again.
    public func stop() {
        let previous = lifecycle.withLock { state in
            defer { state = .stopped }
            return state
        }
        if case .running(let wake, let finished) = previous {
            var byte: UInt8 = 1
            _ = write(wake, &byte, 1)
            finished.wait()
            close(wake)
        }
        continuation.finish()
    }
}

/// What the watcher's thread tells the watcher: the mechanism in use.
final class DesiredStateWatchStatus: Sendable {
    let mechanism = Locked<DesiredStateWatcher.Mechanism?>(nil)
}
