import Foundation
import SandboxTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A unix datagram socket standing in for systemd's notify socket.
final class NotifySocket: @unchecked Sendable {
    let path: String
    let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw CocoaError(.fileWriteUnknown) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Datagrams received until `predicate` holds for one of them or `seconds` pass.
    func receive(until predicate: (String) -> Bool, seconds: Double) -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            messages.append(message)
            if predicate(message) { break }
        }
        return messages
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

@Suite("sandboxd run under a systemd-like supervisor")
struct DaemonTests {
    @Test("READY after start, a pass on SIGHUP, STOPPING and exit 0 on SIGTERM, metrics written")
    func lifecycle() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                do {
                    try Self.lifecycleBlocking()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    static func lifecycleBlocking() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let desired = directory.path("desired")
        try FileManager.default.copyItem(atPath: exampleDesiredState, toPath: desired)
        let notify = try NotifySocket(path: directory.path("notify.sock"))
        let metrics = directory.path("metrics.prom")

        let process = Process()
        process.executableURL = sandboxdExecutable
        process.arguments = [
            "run", "--local", "--interval", "1h", "--desired-state", desired,
            "--state-dir", directory.path("state"), "--metrics-file", metrics,
        ]
        process.environment = Sanitizer.childEnvironment(
            ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000", "PATH": "/usr/bin:/bin"]
        )
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let start = notify.receive(until: { $0.contains("active") }, seconds: 20)
        #expect(start.first?.hasPrefix("READY=1\nSTATUS=started") == true, "\(start)")
        #expect(start.contains { $0.hasPrefix("STATUS=0/2 active") }, "\(start)")

        // The interval is an hour: only SIGHUP (or a change of the files) starts the next pass.
        Thread.sleep(forTimeInterval: 4)  // the local products become available
        kill(process.processIdentifier, SIGHUP)
        let afterHangup = notify.receive(until: { $0.hasPrefix("STATUS=2/2 active, 1 queued") }, seconds: 20)
        #expect(afterHangup.contains { $0.hasPrefix("STATUS=2/2 active, 1 queued") }, "\(afterHangup)")
        #expect(afterHangup.contains("WATCHDOG=1"))

        // A removed request file starts a pass by itself.
        try FileManager.default.removeItem(atPath: desired + "/requests/octocat-recsys.json")
        let afterChange = notify.receive(until: { $0.hasPrefix("STATUS=2/2 active, 0 queued") }, seconds: 20)
        #expect(afterChange.contains { $0.hasPrefix("STATUS=2/2 active, 0 queued") }, "\(afterChange)")

        kill(process.processIdentifier, SIGTERM)
        let stopping = notify.receive(until: { $0.hasPrefix("STOPPING=1") }, seconds: 20)
        #expect(stopping.contains { $0.hasPrefix("STOPPING=1") })
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("sandboxd_sandboxes{pool=\"default\",state=\"active\"} 2"))
        #expect(text.contains("sandboxd_capacity{pool=\"default\"} 2"))
        #expect(text.contains("sandboxd_next_wake_timestamp_seconds{pool=\"default\"} "))
        #expect(text.contains("sandboxd_outbox_length{pool=\"default\"} 0"))
        #expect(text.contains("sandboxd_expiry_lateness_seconds{pool=\"default\",kind=\"termination\"} NaN"))
        #expect(
            text.contains(
                "sandboxd_api_calls_total{pool=\"default\",service=\"servicecatalog\",operation=\"ProvisionProduct\",outcome=\"success\"} 2"
            )
        )
    }
}
