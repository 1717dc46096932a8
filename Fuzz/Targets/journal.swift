// Fuzz target: the journal reader (docs/behaviour.md §4.5) on arbitrary bytes, truncations and flipped bits. The
// input is the segment `000001.log`; one that starts with `SNAP` holds `snapshot.bin` first, up to the first
// `\n--8<--\n`. Reading, replaying and verifying must end in a state or an error, never a crash.
import Foundation
import SandboxRuntime

#if canImport(Glibc)
import Glibc
#endif

// Fuzz/run.sh removes it afterwards.
private let stateDirectory: URL = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let url = URL(fileURLWithPath: base).appendingPathComponent("sandboxd-fuzz-journal-\(getpid())")
    try? FileManager.default.createDirectory(
        at: url.appendingPathComponent("journal"),
        withIntermediateDirectories: true
    )
    return url
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJournal(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    let journal = stateDirectory.appendingPathComponent("journal")
    let segment = journal.appendingPathComponent("000001.log")
    let snapshot = journal.appendingPathComponent("snapshot.bin")
    try? FileManager.default.removeItem(at: snapshot)
    if bytes.starts(with: Data("SNAP".utf8)), let cut = bytes.range(of: Data("\n--8<--\n".utf8)) {
        try? bytes[bytes.startIndex.advanced(by: 4)..<cut.lowerBound].write(to: snapshot)
        try? bytes[cut.upperBound...].write(to: segment)
    } else {
        try? bytes.write(to: segment)
    }
    if let contents = try? FileJournal.read(stateDirectory: stateDirectory) {
        _ = try? JournalCodec.replay(contents)
    }
    _ = try? JournalVerification.check(stateDirectory: stateDirectory)
    return 0
}
