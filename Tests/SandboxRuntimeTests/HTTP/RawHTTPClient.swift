import Foundation
import Glibc

/// A scripted client on a raw TCP socket to 127.0.0.1, for testing the server's HTTP handling
/// byte by byte. It runs on its own thread, so its blocking reads never hold up the Swift
/// concurrency pool where the server's handlers run. Every read gives up after 30 seconds (generous: the suite runs in parallel on 2 cores).
enum RawHTTPClient {
    enum Step: Sendable {
        /// Writes these bytes.
        case send(String)
        /// Reads until everything received so far contains this text.
        case receive(String)
        /// Reads until the server closes the connection.
        case receiveUntilClosed
    }

    struct Transcript: Sendable {
        /// Everything received, as text.
        var received: String
        /// Whether every step completed (a `receive` that timed out or hit the end does not).
        var completed: Bool
        /// Whether the server closed the connection (seen during a read).
        var closedByServer: Bool
    }

    static func run(port: UInt16, _ steps: [Step]) async -> Transcript {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: runBlocking(port: port, steps)) }
            thread.start()
        }
    }

    private static func runBlocking(port: UInt16, _ steps: [Step]) -> Transcript {
        var transcript = Transcript(received: "", completed: false, closedByServer: false)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return transcript }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return transcript }

        var bytes: [UInt8] = []
        func readMore() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                bytes.append(contentsOf: chunk[..<count])
                return true
            }
            if count == 0 { transcript.closedByServer = true }
            return false
        }
        func text() -> String { String(decoding: bytes, as: UTF8.self) }

        for step in steps {
            switch step {
            case .send(let outgoing):
                let data = Array(outgoing.utf8)
                let sent = data.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent == data.count else {
                    transcript.received = text()
                    return transcript
                }
            case .receive(let expected):
                while !text().contains(expected) {
                    guard readMore() else {
                        transcript.received = text()
                        return transcript
                    }
                }
            case .receiveUntilClosed:
                while readMore() {}
                guard transcript.closedByServer else {
                    transcript.received = text()
                    return transcript
                }
            }
        }
        transcript.received = text()
        transcript.completed = true
        return transcript
    }
}
