import Dispatch
import Foundation
import Glibc
import SandboxLocking

extension LoopbackHTTPServer {
    /// The shared state of a running server: the listening socket, the open connections and the
    /// recorded requests. The accept thread and the connection threads hold this, not the server,
    /// so releasing the server stops it.
    final class Listener: Sendable {
        private struct State {
            var stopped = false
            var acceptedConnections = 0
            /// Open connection sockets. A connection removes its socket here before closing it, and
            /// ``stop()`` shuts sockets down only while they are here, so it never touches a
            /// descriptor that was closed and reused.
            var openSockets: Set<Int32> = []
            var requests: [RecordedRequest] = []
        }

        private let descriptor: Int32
        private let handler: @Sendable (RecordedRequest) async -> ServerReply
        private let state = Locked(State())
        private let acceptLoopEnded = DispatchSemaphore(value: 0)

        init(descriptor: Int32, handler: @escaping @Sendable (RecordedRequest) async -> ServerReply) {
            self.descriptor = descriptor
            self.handler = handler
        }

        var requests: [RecordedRequest] {
            state.withLock { $0.requests }
        }

        /// Starts the accept thread.
        func start() {
            let thread = Thread { [self] in acceptConnections() }
            thread.name = "LoopbackHTTPServer.accept"
            thread.stackSize = 256 * 1024
            thread.start()
        }

        /// Shuts the listening socket and every connection down, and waits (up to 2 s) for the
        /// accept thread to close the listening socket.
        func stop() {
            let alreadyStopped = state.withLock { state in
                if state.stopped { return true }
                state.stopped = true
                // Wakes the accept thread (accept fails with EINVAL) and every reading connection.
                shutdown(descriptor, Int32(SHUT_RDWR))
                for socket in state.openSockets {
                    shutdown(socket, Int32(SHUT_RDWR))
                }
                return false
            }
            if !alreadyStopped {
                _ = acceptLoopEnded.wait(timeout: .now() + 2)
            }
        }

        func record(_ request: RecordedRequest) {
            state.withLock { $0.requests.append(request) }
        }

        func reply(to request: RecordedRequest) -> ServerReply {
            // The connection's thread waits here while the handler runs on the concurrency pool.
            let box = ReplyBox()
            let handler = handler
            // On the servers' own executor: a busy cooperative pool must not delay the answer.
            Task(executorPreference: DispatchTaskExecutor.servers) {
                box.set(await handler(request))
            }
            return box.wait()
        }

        /// Forgets a connection's socket and closes it.
        func close(connection socket: Int32) {
            state.withLock { _ = $0.openSockets.remove(socket) }
            Glibc.close(socket)
        }

        private func acceptConnections() {
            defer {
                Glibc.close(descriptor)
                acceptLoopEnded.signal()
            }
            while true {
                let socket = accept(descriptor, nil, nil)
                if socket < 0 {
                    let code = errno
                    if state.withLock({ $0.stopped }) { return }
                    if code == EINTR || code == ECONNABORTED { continue }
                    // Out of descriptors or similar: back off briefly rather than spin.
                    usleep(10_000)
                    continue
                }
                // accept4 is not visible from Swift's Glibc module; mark the socket close-on-exec here.
                _ = fcntl(socket, F_SETFD, FD_CLOEXEC)
                let ordinal: Int? = state.withLock { state in
                    guard !state.stopped else { return nil }
                    state.acceptedConnections += 1
                    state.openSockets.insert(socket)
                    return state.acceptedConnections
                }
                guard let ordinal else {
                    Glibc.close(socket)
                    return
                }
                let thread = Thread { [self] in
                    Connection(socket: socket, ordinal: ordinal, listener: self).serve()
                }
                thread.name = "LoopbackHTTPServer.connection.\(ordinal)"
                thread.stackSize = 512 * 1024
                thread.start()
            }
        }
    }

    /// Hands a handler's reply from the concurrency pool to a waiting connection thread.
    private final class ReplyBox: Sendable {
        private let reply = Locked<ServerReply?>(nil)
        private let ready = DispatchSemaphore(value: 0)

        func set(_ value: ServerReply) {
            reply.withLock { $0 = value }
            ready.signal()
        }

        func wait() -> ServerReply {
            ready.wait()
            return reply.withLock { $0! }
        }
    }
}
