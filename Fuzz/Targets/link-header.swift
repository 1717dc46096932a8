// Fuzz target: GitHub's `Link` pagination header and the message of an error body (docs/behaviour.md §9.3).
@testable import SandboxGitHub
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLinkHeader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = UnsafeBufferPointer(start: data, count: size)
    _ = LinkHeader.next(in: String(decoding: buffer, as: UTF8.self))
    _ = RateLimitGate.message(in: Data(buffer))
    return 0
}
