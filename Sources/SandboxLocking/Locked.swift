import Glibc

/// A value that threads share, changed only with its lock held: `Synchronization.Mutex`'s interface, on a
/// `pthread_mutex_t`.
///
/// Why not `Mutex` itself: on Linux it locks with futex system calls, which ThreadSanitizer does not intercept, so
/// every critical section looked like a race to it and the suite could not be run under `--sanitize=thread`
/// (docs/RELIABILITY.md, Sanitizers). `pthread_mutex_lock` is intercepted, so the happens-before edges are seen and
/// a report is a real race. Uncontended, both cost the same atomic instruction.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    public init(_ initialValue: consuming sending Value) {
        value = initialValue
        // A default mutex (not recursive, not robust): initializing one cannot fail.
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the lock held; the lock is released however `body` ends.
    public func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
