import Dispatch

/// A task executor on its own dispatch queue, outside Swift's cooperative pool.
///
/// On a 2-core machine the cooperative pool has 2 threads, shared by every test running in parallel.
/// Work that blocks a thread (fsync in a crash test, a loopback server waiting for its handler) runs
/// here instead, so it neither starves the pool nor is starved by it. Default actors used from such a
/// task run here too (SE-0417).
public final class DispatchTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    /// - Parameter label: the queue's label, for debuggers.
    public init(label: String) {
        queue = DispatchQueue(label: label, attributes: .concurrent)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { [self] in
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    /// One executor for the loopback servers of a test process.
    public static let servers = DispatchTaskExecutor(label: "sandboxd.testing.servers")
}
