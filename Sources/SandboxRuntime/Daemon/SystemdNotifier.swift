#if canImport(Glibc)
import Glibc
#endif

/// sd_notify without libsystemd: one datagram of `KEY=VALUE` lines to `$NOTIFY_SOCKET`.
///
/// Does nothing when `NOTIFY_SOCKET` is unset (not run by systemd, or `Type=simple`).
public struct SystemdNotifier: Sendable {
    let socketPath: String?
    /// Half of `WATCHDOG_USEC` (how often to send `WATCHDOG=1`), when the watchdog is on for this process.
    public let watchdogInterval: Duration?

    public init(environment: [String: String]) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        if let usec = environment["WATCHDOG_USEC"].flatMap(UInt64.init), usec > 0,
            environment["WATCHDOG_PID"].flatMap(Int32.init).map({ $0 == getpid() }) ?? true
        {
            watchdogInterval = .microseconds(usec / 2)
        } else {
            watchdogInterval = nil
        }
    }

    /// Whether a notify socket is configured.
    public var isEnabled: Bool { socketPath != nil }

    /// `READY=1` with a status line.
    public func ready(status: String) { send(["READY=1", "STATUS=\(status)"]) }
    /// `STATUS=…`.
    public func status(_ text: String) { send(["STATUS=\(text)"]) }
    /// `WATCHDOG=1`, when the watchdog is on.
    public func watchdog() { if watchdogInterval != nil { send(["WATCHDOG=1"]) } }
    /// `STOPPING=1`.
    public func stopping() { send(["STOPPING=1", "STATUS=stopping"]) }
    /// `ERRNO=` and a status before a fatal exit.
    public func failing(status: String, errno code: Int32 = 5) { send(["STATUS=\(status)", "ERRNO=\(code)"]) }

    /// Sends one datagram without blocking; returns whether it went out.
    @discardableResult
    public func send(_ lines: [String]) -> Bool {
        guard let socketPath else { return false }
        let message = lines.map { $0.replacingNewlines() }.joined(separator: "\n")
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity || (pathBytes.first == 0 && pathBytes.count <= capacity) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in pathBytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let sent = message.withCString { text in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    // Never blocks: a notify socket nobody reads (its queue full) drops a status line
                    // instead of freezing the daemon's loop (docs/behaviour.md §7).
                    sendto(fd, text, strlen(text), Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT), socketAddress, length)
                }
            }
        }
        return sent >= 0
    }
}

extension String {
    /// One line: a status must not carry a newline into the protocol.
    func replacingNewlines() -> String {
        String(self.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
