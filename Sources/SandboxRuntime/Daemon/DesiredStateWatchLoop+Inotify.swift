#if canImport(Glibc)
import Glibc
#endif

/// The inotify side: which directories are watched, and what an event means.
extension DesiredStateWatchLoop {
    /// Everything that changes a file or a directory entry of the tree, and the watched directory itself going away.
    static let treeMask = UInt32(
        IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
            | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR
    )
    /// Entries of the parent appearing, going or being renamed over (only the desired-state directory's name counts).
    static let parentMask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR)

    /// The path a role watches, `nil` for the parent of `/`.
    func path(of role: Role) -> String? {
        switch role {
        case .top: return directory
        case .requests: return directory + "/requests"
        case .templates: return directory + "/templates"
        case .parent: return parentDirectory
        }
    }

    /// The device and inode of the directory at `path` (symlinks followed), `nil` when it is missing or not a
    /// directory.
    static func identity(of path: String?) -> Identity? {
        guard let path else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Makes the watches match the paths as they are now: a directory that appeared is watched, one that was
    /// replaced (another inode at the path, e.g. a symlink swapped) is watched anew. Returns whether the top
    /// directory, `requests/` or `templates/` is another one than before (a change). Switches to polling when the
    /// kernel has no watch left (`ENOSPC`). While the top directory is not watched, `nextLook` retries.
    func updateWatches(now: ContinuousClock.Instant) -> Bool {
        var changed = false
        for role in Role.allCases {
            guard inotify >= 0 else { return true }
            let current = Self.identity(of: path(of: role))
            let moved = current != seen[role]
            seen[role] = current
            if moved && role != .parent { changed = true }
            if !moved && (current == nil || descriptors[role] != nil) { continue }
            removeWatch(role)
            guard current != nil, let path = path(of: role) else { continue }
            let descriptor = inotify_add_watch(inotify, path, role == .parent ? Self.parentMask : Self.treeMask)
            if descriptor >= 0 {
                descriptors[role] = descriptor
                roles[descriptor, default: []].insert(role)
            } else if errno == ENOSPC {
                switchToPolling(now: now)
                return true
            }
            // Any other failure (gone again, no permission): unwatched, tried again on the next event or look.
        }
        if descriptors[.top] == nil {
            if nextLook == nil { nextLook = now + pollingInterval }
        } else {
            nextLook = nil
        }
        return changed
    }

    /// Stops watching for `role` (the kernel's watch goes only when no other role shares it).
    func removeWatch(_ role: Role) {
        guard let descriptor = descriptors.removeValue(forKey: role) else { return }
        roles[descriptor]?.remove(role)
        if roles[descriptor]?.isEmpty ?? true {
            roles[descriptor] = nil
            _ = inotify_rm_watch(inotify, descriptor)
        }
    }

    /// Reads every pending event (the descriptor is non-blocking) and notes a change or updates the watches.
    func readEvents(now: ContinuousClock.Instant) {
        var change = false
        var rewatch = false
        while inotify >= 0 {
            let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }  // EAGAIN: all read
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let (descriptor, mask, length) = buffer.withUnsafeBytes { raw in
                    (
                        raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                        raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                        Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    )
                }
                let nameBytes = buffer[(offset + header)..<min(offset + header + length, count)]
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                let meaning = handle(descriptor: descriptor, mask: mask, name: name)
                change = change || meaning.change
                rewatch = rewatch || meaning.rewatch
                offset += header + length
            }
        }
        if rewatch && updateWatches(now: now) { change = true }
        if change { noteChange(now: now) }
    }

    /// What one event means: a change of the tree, and whether the watches must be looked at again (a directory
    /// went, came or was replaced, or events were lost).
    func handle(descriptor: Int32, mask: UInt32, name: String) -> (change: Bool, rewatch: Bool) {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 { return (true, true) }
        guard let owners = roles[descriptor] else { return (false, false) }  // a watch removed before
        var rewatch = false
        if mask & UInt32(IN_IGNORED) != 0 {
            // The kernel dropped the watch (the directory was deleted, or its file system unmounted).
            roles[descriptor] = nil
            for role in owners { descriptors[role] = nil }
            rewatch = true
        }
        if owners == [.parent] {
            let ours = name == baseName
            return (ours, rewatch || ours)
        }
        if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 { rewatch = true }
        if owners.contains(.top) && (name == "requests" || name == "templates") { rewatch = true }
        return (true, rewatch)
    }
}
