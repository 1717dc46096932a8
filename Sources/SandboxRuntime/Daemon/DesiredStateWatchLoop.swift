import SandboxLocking

#if canImport(Glibc)
import Glibc
#endif

/// The thread of a ``DesiredStateWatcher``: it blocks in `poll(2)` on the inotify descriptor (if any) and the wake
/// pipe, turns bursts of events into one element of the stream, and polls when inotify is not available.
///
/// `@unchecked Sendable`: made by ``DesiredStateWatcher/start()`` (which sets the watches up before it returns), then
/// used by the watcher's thread alone.
final class DesiredStateWatchLoop: @unchecked Sendable {
    /// What a watch descriptor watches.
    enum Role: Hashable, CaseIterable {
        case top
        case requests
        case templates
        /// The directory holding the desired-state directory: to see it replaced, removed or created.
        case parent
    }

    /// A directory's device and inode (after symlinks).
    struct Identity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    let directory: String
    let parentDirectory: String?
    let baseName: String
    let quietPeriod: Duration
    let maximumDelay: Duration
    let pollingInterval: Duration
    let wake: Int32
    let continuation: AsyncStream<Void>.Continuation
    let status: DesiredStateWatchStatus

    /// The inotify descriptor, or -1 while polling.
    var inotify: Int32 = -1
    /// Watch descriptors by role, and roles by watch descriptor (one directory can play two roles).
    var descriptors: [Role: Int32] = [:]
    var roles: [Int32: Set<Role>] = [:]
    /// What each path was last seen to be; `nil` when it is missing or not a directory.
    var seen: [Role: Identity] = [:]
    /// While polling: what the tree looked like last time.
    var fingerprint: DesiredStateFingerprint?
    /// The first and the last event of the burst not reported yet.
    var burstStart: ContinuousClock.Instant?
    var lastEvent: ContinuousClock.Instant?
    /// When to look next: while polling, at the tree; with inotify, for a directory that was missing.
    var nextLook: ContinuousClock.Instant?
    /// Where `read(2)` puts inotify events.
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(
        directory: String,
        mode: DesiredStateWatcher.Mode,
        quietPeriod: Duration,
        maximumDelay: Duration,
        wake: Int32,
        continuation: AsyncStream<Void>.Continuation,
        status: DesiredStateWatchStatus
    ) {
        self.directory = directory
        (parentDirectory, baseName) = Self.split(directory)
        self.quietPeriod = quietPeriod
        self.maximumDelay = maximumDelay
        self.wake = wake
        self.continuation = continuation
        self.status = status
        let now = ContinuousClock.now
        switch mode {
        case .polling(let interval):
            pollingInterval = max(interval, .milliseconds(1))
            switchToPolling(now: now)
        case .automatic:
            pollingInterval = DesiredStateWatcher.defaultPollingInterval
            inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard inotify >= 0 else {
                switchToPolling(now: now)
                return
            }
            status.mechanism.withLock { $0 = .inotify }
            _ = updateWatches(now: now)
        }
    }

    /// Until the wake pipe is readable: waits for events or the next deadline, and handles them.
    func run() {
        defer {
            if inotify >= 0 { close(inotify) }
            close(wake)
        }
        while true {
            var polled = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            if inotify >= 0 { polled.append(pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&polled, nfds_t(polled.count), timeout(now: .now))
            if ready < 0 && errno != EINTR {
                // Not expected (EINVAL, ENOMEM): do not spin, try again shortly.
                usleep(50_000)
                continue
            }
            if polled[0].revents != 0 { return }
            let now = ContinuousClock.now
            if polled.count > 1 && polled[1].revents != 0 {
                if polled[1].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                    switchToPolling(now: now)
                    noteChange(now: now)
                } else {
                    readEvents(now: now)
                }
            }
            lookIfDue(now: now)
            reportIfDue(now: now)
        }
    }

    /// The `poll(2)` timeout in milliseconds until the earliest deadline (rounded up), or -1 (none: sleep until an
    /// event or a stop).
    func timeout(now: ContinuousClock.Instant) -> Int32 {
        let deadlines = [burstDeadline, nextLook].compactMap { $0 }
        guard let deadline = deadlines.min() else { return -1 }
        let (seconds, attoseconds) = (deadline - now).components
        guard seconds >= 0 && (seconds > 0 || attoseconds > 0) else { return 0 }
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }

    /// When the burst in progress is to be reported: after the quiet period, or the maximum delay at the latest.
    var burstDeadline: ContinuousClock.Instant? {
        guard let burstStart, let lastEvent else { return nil }
        return min(lastEvent + quietPeriod, burstStart + maximumDelay)
    }

    /// Something changed now: starts or extends the burst.
    func noteChange(now: ContinuousClock.Instant) {
        if burstStart == nil { burstStart = now }
        lastEvent = now
    }

    /// Yields one element when the burst in progress is due.
    func reportIfDue(now: ContinuousClock.Instant) {
        guard let deadline = burstDeadline, now >= deadline else { return }
        burstStart = nil
        lastEvent = nil
        continuation.yield(())
    }

    /// At `nextLook`: compares the fingerprint while polling, or tries again to watch a missing directory.
    func lookIfDue(now: ContinuousClock.Instant) {
        guard let next = nextLook, now >= next else { return }
        nextLook = nil
        if inotify >= 0 {
            if updateWatches(now: now) { noteChange(now: now) }
            return
        }
        nextLook = now + pollingInterval
        let current = DesiredStateFingerprint(directory: directory)
        if current != fingerprint {
            fingerprint = current
            noteChange(now: now)
        }
    }

    /// Gives up inotify (or never uses it): from now on the tree is compared every `pollingInterval`.
    func switchToPolling(now: ContinuousClock.Instant) {
        if inotify >= 0 { close(inotify) }
        inotify = -1
        descriptors = [:]
        roles = [:]
        seen = [:]
        fingerprint = DesiredStateFingerprint(directory: directory)
        nextLook = now + pollingInterval
        status.mechanism.withLock { $0 = .polling(interval: pollingInterval) }
    }

    /// `path` split into the directory holding it (`nil` for `/`) and its last component.
    static func split(_ path: String) -> (parent: String?, name: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let name = String(trimmed[trimmed.index(after: slash)...])
        guard !name.isEmpty else { return (nil, name) }
        let parent = trimmed[..<slash]
        return (parent.isEmpty ? "/" : String(parent), name)
    }
}
