import Foundation
import SandboxLocking
import Testing

@Suite("Locked: a value behind a pthread mutex")
struct LockedTests {
    @Test("four threads incrementing 10,000 times each under the lock lose no increment")
    func mutualExclusion() {
        let counter = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<10_000 { counter.withLock { $0 += 1 } }
        }
        #expect(counter.withLock { $0 } == 40_000)
    }

    struct Refused: Error, Equatable {}

    @Test("a body that throws rethrows its typed error and leaves the lock free")
    func throwingBodyReleases() {
        let state = Locked([Int]())
        #expect(throws: Refused.self) {
            try state.withLock { (value: inout [Int]) throws(Refused) in
                value.append(1)
                throw Refused()
            }
        }
        // The lock is free again (this would deadlock otherwise), and the change made before the throw stays.
        #expect(state.withLock { $0 } == [1])
    }
}
