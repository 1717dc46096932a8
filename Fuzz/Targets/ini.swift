// Fuzz target: the shared AWS config and credentials files (docs/behaviour.md §4.3), parsed as botocore does.
@testable import SandboxAWS

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzINI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? AWSINIFile(parsing: text, path: "config")
    return 0
}
