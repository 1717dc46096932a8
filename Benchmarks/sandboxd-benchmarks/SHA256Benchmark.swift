// Case `sha256`: our SHA-256 against coreutils `sha256sum` on the same 100 MB.

import Foundation
import SandboxCrypto

enum SHA256Benchmark {
    static let byteCount = 100 * 1_000_000
    static let runs = 3

    /// Deterministic, non-repeating bytes (xorshift64*), so neither side can benefit from trivial input.
    static func makeInput(count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset + 8 <= count {
                seed ^= seed >> 12
                seed ^= seed << 25
                seed ^= seed >> 27
                raw.storeBytes(of: seed &* 0x2545_F491_4F6C_DD1D, toByteOffset: offset, as: UInt64.self)
                offset += 8
            }
        }
        return bytes
    }

    static func runSHA256Sum(path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError("sha256sum exited with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    static func run() throws {
        let (ourBest, theirBest, ourDigest) = try compare()

        func row(_ name: String, _ time: Double) -> [String] {
            let rate = Double(byteCount) / 1e6 / time
            return [name, String(format: "%.3f", time), String(format: "%.0f", rate)]
        }

        print("### SHA-256 of \(byteCount / 1_000_000) MB (best of \(runs) runs), digest \(ourDigest.prefix(16))…")
        print("")
        var table = Table(["implementation", "time (s)", "MB/s"], rightAligned: [1, 2])
        table.add(row("SandboxCrypto.SHA256 (in memory)", ourBest))
        table.add(row("sha256sum (file; includes process start and reading)", theirBest))
        table.add(["**ratio** (ours / sha256sum)", "**\(String(format: "%.2f", ourBest / theirBest))×**", ""])
        table.print()
    }

    /// Our best time and `sha256sum`'s, in seconds.
    static func measure() throws -> (ours: Double, theirs: Double) {
        let (ours, theirs, _) = try compare()
        return (ours, theirs)
    }

    /// Both best times and the digest, checked equal.
    static func compare() throws -> (ours: Double, theirs: Double, digest: String) {
        let input = makeInput(count: byteCount)
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("sandboxd-benchmark-\(ProcessInfo.processInfo.processIdentifier).bin").path
        try Data(input).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        var ourDigest = ""
        var ourBest = Double.infinity
        for _ in 0..<runs {
            ourBest = min(ourBest, seconds { ourDigest = Hex.encode(SHA256.hash(input)) })
        }

        var theirDigest = ""
        var theirBest = Double.infinity
        for _ in 0..<runs {
            theirBest = min(theirBest, try seconds { theirDigest = try runSHA256Sum(path: path) })
        }

        guard ourDigest == theirDigest else {
            throw BenchmarkError("digest mismatch: ours \(ourDigest), sha256sum \(theirDigest)")
        }
        return (ourBest, theirBest, ourDigest)
    }
}
