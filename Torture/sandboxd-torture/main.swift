// The whole-process crash torture of docs/RELIABILITY.md ("Crash torture"): the built `sandboxd run` against
// SandboxTesting's loopback Service Catalog and GitHub fakes, SIGKILLed at seeded random moments and restarted,
// then left to converge, then checked against the invariants of docs/behaviour.md §3.11 (one product per request
// and attempt, every product accounted for), §3.5–3.6 (every ended sandbox terminated), §6.2–6.4 (one comment per
// marker) and §4.5 (the journal verifies).
//
//     sandboxd-torture [--seed N] [--kills N] [--faults] [--sandboxd PATH]
//
// Prints one line per phase and a summary; exits 1 on any violation, 2 on a usage or set-up error.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var seed: UInt64 = 1
    var kills = 60
    var faults = false
    var sandboxd: String?
    /// `--ha URL`: two replicas against moto's DynamoDB at URL; `--kills` counts leader failures.
    var moto: URL?

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--seed": seed = try Self.number(rest.popFirst(), argument)
            case "--kills": kills = Int(try Self.number(rest.popFirst(), argument))
            case "--faults": faults = true
            case "--sandboxd": sandboxd = rest.popFirst()
            case "--ha":
                guard let url = rest.popFirst().flatMap(URL.init(string:)) else {
                    throw TortureError("--ha needs moto's URL (SANDBOXD_TEST_MOTO_URL)")
                }
                moto = url
            default: throw TortureError("unknown argument \(argument)")
            }
        }
    }

    private static func number(_ value: String?, _ option: String) throws -> UInt64 {
        guard let value, let number = UInt64(value) else { throw TortureError("\(option) needs a number") }
        return number
    }
}

let options: Options
do {
    options = try Options(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("sandboxd-torture: \(error)\n".utf8))
    exit(2)
}

do {
    let torture = try Torture(options: options)
    let violations = try torture.run()
    exit(violations.isEmpty ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("sandboxd-torture: \(error)\n".utf8))
    exit(2)
}
