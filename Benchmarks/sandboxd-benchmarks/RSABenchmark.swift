// Case `rsa`: RS256 signatures (RSASSA-PKCS1-v1_5, SHA-256) with SandboxCrypto.RSAPrivateKey against OpenSSL, for
// 2048- and 4096-bit keys made by `openssl genrsa` for the run (so no key is stored with the benchmark).

import Foundation
import SandboxCrypto

enum RSABenchmark {
    /// Key sizes and how many signatures one run times.
    static let sizes = [(bits: 2048, signatures: 100), (bits: 4096, signatures: 20)]
    static let runs = 3
    /// A GitHub App JWT signing input, as sandboxd will sign it.
    static let message = Array(
        ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJpYXQiOjE3NjcyMjU1NDAsImV4cCI6MTc2NzIyNjE0MCwiaXNzIjoiMTIzNDU2NyJ9").utf8
    )

    /// Runs `openssl` with `arguments` and returns its standard output.
    @discardableResult
    static func openssl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError("openssl \(arguments.first ?? "") exited with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `openssl speed`'s milliseconds per signature and per verification, by key size.
    static func opensslSpeed() throws -> [Int: (sign: Double, verify: Double)] {
        progress("openssl speed rsa2048 rsa4096 (2 s per operation and size)")
        // Machine-readable lines: +F2:<index>:<bits>:<signatures per s>:<verifications per s>
        var speeds: [Int: (sign: Double, verify: Double)] = [:]
        for line in try openssl(["speed", "-mr", "-seconds", "2", "rsa2048", "rsa4096"]).split(separator: "\n")
        where line.hasPrefix("+F2:") {
            let fields = line.split(separator: ":")
            guard fields.count == 5, let bits = Int(fields[2]), let sign = Double(fields[3]),
                let verify = Double(fields[4])
            else { continue }
            speeds[bits] = (1000 / sign, 1000 / verify)
        }
        return speeds
    }

    static func run() throws {
        let directory = try TemporaryDirectory("rsa")
        defer { directory.remove() }
        try directory.write("message", String(decoding: message, as: UTF8.self))
        let theirs = try opensslSpeed()

        var table = Table(
            [
                "key", "read PEM (ms)", "sign (ms)", "openssl sign (ms)", "**ratio**", "verify (ms)",
                "openssl verify (ms)",
            ],
            rightAligned: [1, 2, 3, 4, 5, 6]
        )
        for (bits, count) in sizes {
            progress("openssl genrsa \(bits)")
            let keyPath = directory.path("rsa-\(bits).pem")
            try openssl(["genrsa", "-traditional", "-out", keyPath, "\(bits)"])
            let pem = try String(contentsOfFile: keyPath, encoding: .utf8)
            var key: RSAPrivateKey?
            let readTime = try seconds { key = try RSAPrivateKey(pem: pem) }
            guard let key else { throw BenchmarkError("no key read") }

            // Ours must be OpenSSL's signature, byte for byte, before its time means anything.
            let signaturePath = directory.path("rsa-\(bits).sig")
            try openssl(["dgst", "-sha256", "-sign", keyPath, "-out", signaturePath, directory.path("message")])
            let signature = try key.signatureSHA256(for: message)
            guard signature == [UInt8](try Data(contentsOf: URL(fileURLWithPath: signaturePath))) else {
                throw BenchmarkError("the \(bits)-bit signature differs from openssl dgst -sha256 -sign")
            }

            progress("signing \(runs) × \(count) times, verifying \(runs) × \(count * 10) times (\(bits) bits)")
            var sign = Double.infinity
            var verify = Double.infinity
            for _ in 0..<runs {
                sign = min(sign, try seconds { for _ in 0..<count { _ = try key.signatureSHA256(for: message) } })
                verify = min(
                    verify,
                    seconds {
                        for _ in 0..<(count * 10) where !key.publicKey.isValidSignatureSHA256(signature, for: message) {
                            fatalError("a valid signature did not verify")
                        }
                    }
                )
            }
            let signMilliseconds = sign * 1000 / Double(count)
            let verifyMilliseconds = verify * 1000 / Double(count * 10)
            let openssl = theirs[bits]
            table.add([
                "RSA-\(bits)", format(readTime * 1000, 1), format(signMilliseconds, 2),
                openssl.map { format($0.sign, 2) } ?? "—",
                openssl.map { "**\(format(signMilliseconds / $0.sign, 1))×**" } ?? "—",
                format(verifyMilliseconds, 3), openssl.map { format($0.verify, 3) } ?? "—",
            ])
        }

        print("### RS256 signatures (best of \(runs) runs), keys from openssl genrsa, signatures equal to OpenSSL's")
        print("")
        table.print()
    }
}
