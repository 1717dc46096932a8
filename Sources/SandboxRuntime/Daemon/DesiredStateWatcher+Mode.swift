extension DesiredStateWatcher {
    /// How to learn of changes.
    public enum Mode: Sendable, Hashable {
        /// inotify when the kernel grants an instance and the watches, else polling every
        /// ``DesiredStateWatcher/defaultPollingInterval``.
        case automatic
        /// Polling only, every `interval`.
        case polling(interval: Duration)
    }

    /// How changes are being learnt of, for the log.
    public enum Mechanism: Sendable, Hashable, CustomStringConvertible {
        /// inotify watches on the directory, `requests/`, `templates/` and the directory's parent.
        case inotify
        /// A ``DesiredStateFingerprint`` compared every `interval`: asked for, or inotify was not available
        /// (`inotify_init1` refused, e.g. `max_user_instances` reached, or `inotify_add_watch` failed with
        /// `ENOSPC`, `max_user_watches` reached).
        case polling(interval: Duration)

        /// `inotify` or `polling every 2 s`.
        public var description: String {
            switch self {
            case .inotify:
                return "inotify"
            case .polling(let interval):
                let (seconds, attoseconds) = interval.components
                let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
                return milliseconds % 1000 == 0
                    ? "polling every \(milliseconds / 1000) s" : "polling every \(milliseconds) ms"
            }
        }
    }
}
