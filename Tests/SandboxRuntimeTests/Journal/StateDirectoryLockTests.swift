import Foundation
import Glibc
import Testing

@testable import SandboxRuntime

extension JournalTests {
    @Suite("StateDirectoryLock: one writer per state directory")
    struct StateDirectoryLockTests {
        /// Starts a python3 process that holds `flock` on `lockFile` and wrote its pid into it, and waits (at most
        /// 10 s) until it says so.
        private func startLockHolder(_ lockFile: URL) throws -> Process {
            let script = """
                import fcntl, os, sys, time
                f = open(sys.argv[1], "a+")
                fcntl.flock(f, fcntl.LOCK_EX)
                f.seek(0); f.truncate(); f.write(str(os.getpid())); f.flush()
                print("locked", flush=True)
                time.sleep(30)
                """
            let process = Process()
            process.executableURL = URL(filePath: "/usr/bin/python3")
            process.arguments = ["-c", script, lockFile.plainPath]
            let output = Pipe()
            process.standardOutput = output
            try process.run()

            let fd = output.fileHandleForReading.fileDescriptor
            var received: [UInt8] = []
            let deadline = Date().addingTimeInterval(10)
            while !String(decoding: received, as: UTF8.self).contains("locked\n") {
                let remaining = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard remaining > 0, poll(&poller, 1, remaining) > 0 else {
                    kill(process.processIdentifier, SIGKILL)
                    throw CocoaError(
                        .fileReadUnknown,
                        userInfo: [NSLocalizedDescriptionKey: "lock holder did not start"]
                    )
                }
                var buffer = [UInt8](repeating: 0, count: 64)
                let count = read(fd, &buffer, buffer.count)
                guard count > 0 else {
                    kill(process.processIdentifier, SIGKILL)
                    throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "lock holder exited"])
                }
                received += buffer[0..<count]
            }
            return process
        }

        @Test("a second process holding the lock makes openForWriting fail naming its pid, until it exits")
        func lockHeldByAnotherProcess() async throws {
            // Starting and waiting for a child blocks a thread: keep it off the concurrency pool, which the
            // other tests share (2 threads on 2 cores).
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                Thread {
                    do {
                        try lockHeldByAnotherProcessBlocking()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }.start()
            }
        }

        private func lockHeldByAnotherProcessBlocking() throws {
            try withStateDirectory { directory in
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let holder = try startLockHolder(directory.file("lock"))
                defer {
                    if holder.isRunning { kill(holder.processIdentifier, SIGKILL) }
                    holder.waitUntilExit()
                }

                let error = journalError { try FileJournal.openForWriting(stateDirectory: directory) }
                #expect(error?.code == .lockHeld(pid: holder.processIdentifier))
                #expect(
                    error?.message == "state directory \(directory.plainPath) is in use by another sandboxd "
                        + "(pid \(holder.processIdentifier)); stop it or use another --state-dir"
                )
                // Readers do not need the lock.
                #expect(try FileJournal.read(stateDirectory: directory) == nil)

                kill(holder.processIdentifier, SIGKILL)
                holder.waitUntilExit()
                let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
                defer { journal.close() }
                let pid = String(decoding: try bytes(of: directory.file("lock")), as: UTF8.self)
                #expect(pid.trimmingCharacters(in: .whitespacesAndNewlines) == String(getpid()))
            }
        }

        @Test("a second open in the same process fails while the first journal is open")
        func lockHeldInTheSameProcess() throws {
            try withStateDirectory { directory in
                let (first, _) = try FileJournal.openForWriting(stateDirectory: directory)
                try first.append([1])
                let error = journalError { try FileJournal.openForWriting(stateDirectory: directory) }
                #expect(error?.code == .lockHeld(pid: getpid()))
                #expect(
                    journalError { try StateDirectoryLock.acquire(stateDirectory: directory) }?.code
                        == .lockHeld(pid: getpid())
                )
                #expect(try FileJournal.read(stateDirectory: directory)?.records.count == 1)
                first.close()

                let (second, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                defer { second.close() }
                #expect(contents.records.count == 1)
            }
        }

        @Test("a journal opened under a caller's lock leaves releasing it to the caller")
        func journalUnderCallersLock() throws {
            try withStateDirectory { directory in
                let lock = try StateDirectoryLock.acquire(stateDirectory: directory)
                #expect(mode(of: directory) == 0o700)
                let (journal, _) = try FileJournal.openForWriting(lock: lock)
                try journal.append([1])
                journal.close()
                #expect(lock.isHeld)
                #expect(
                    journalError { try FileJournal.openForWriting(stateDirectory: directory) }?.code
                        == .lockHeld(pid: getpid())
                )
                lock.release()
                #expect(!lock.isHeld)
                #expect(journalError { try FileJournal.openForWriting(lock: lock) }?.code == .io)
                let (reopened, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                defer { reopened.close() }
                #expect(contents.records.count == 1)
            }
        }

        @Test("the lock is released when the lock value goes away")
        func releasedOnDeinit() throws {
            try withStateDirectory { directory in
                do {
                    let lock = try StateDirectoryLock.acquire(stateDirectory: directory)
                    #expect(lock.isHeld)
                }
                let again = try StateDirectoryLock.acquire(stateDirectory: directory)
                again.release()
            }
        }
    }
}
