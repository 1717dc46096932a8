import Foundation
import Glibc

/// The threads that move a ``GitChild``'s bytes: one per stream, so that neither can fill up and block
/// the child while another is being read or written.
enum GitChildStreams {
    /// Reads `handle` to its end on a thread of its own, handing each chunk to `progress`.
    ///
    /// A grandchild (git's ssh or https helper) can keep the stream open after the child exited. So the
    /// reader polls: once the child has exited and nothing came for 100 ms, it reads what is left without
    /// waiting and gives the stream up.
    static func startReading(_ handle: FileHandle, into progress: GitChildProgress, isErrorOutput: Bool) {
        let thread = Thread {
            let descriptor = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 65_536)
            var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            reading: while true {
                let ready = poll(&watched, 1, 100)
                if ready < 0, errno == EINTR { continue }
                if ready == 0 {
                    guard progress.hasExited else { continue }
                    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
                }
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    progress.append(buffer[..<count], isErrorOutput: isErrorOutput)
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break reading  // the end, or nothing left once the child is gone
                }
            }
            try? handle.close()
            progress.streamClosed()
        }
        thread.start()
    }

    /// Writes `bytes` to `handle` on a thread of its own, then closes it.
    ///
    /// SIGPIPE is blocked on that thread, so a child that exits without reading its input makes the write
    /// fail with EPIPE instead of ending sandboxd.
    static func startWriting(_ bytes: [UInt8], to handle: FileHandle) {
        let thread = Thread {
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            let descriptor = handle.fileDescriptor
            var offset = 0
            while offset < bytes.count {
                let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                offset += count
            }
            try? handle.close()
        }
        thread.start()
    }
}
