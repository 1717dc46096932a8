// Fuzz target: the duration parser (docs/behaviour.md §2.3): whatever it accepts is positive and reads back the same.
import SandboxCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDuration(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let duration = LeaseDuration(text) else { return 0 }
    precondition(duration.seconds > 0, "a parsed duration is positive")
    precondition(LeaseDuration(duration.text) == duration, "a duration reads back as itself")
    precondition(LeaseDuration(seconds: duration.seconds) == duration, "the same length in its largest unit")
    return 0
}
