import Foundation

extension FakeServiceCatalogServer {
    /// Everything the fake remembers, behind the engine's lock.
    struct State {
        typealias Principal = FakeServiceCatalogServer.Principal

        struct Product {
            var id: String
            var name: String
            var status: String
            var statusMessage: String?
            var createdTime: Date
            var tags: [(String, String)]
            var productId: String
            var artifactId: String
            var pathId: String?
            var token: String?
            var lastRecordId: String?
            var outputs: [(String, String)]
            /// Who launched it.
            var owner: Principal
        }

        struct Record {
            var id: String
            var type: String
            var productId: String
            var productName: String
            var status: String
            var createdTime: Date
            var updatedTime: Date
            var stepsLeft: Int
            var errors: [(String, String)]
            var tags: [(String, String)]
            var catalogProductId: String
            var artifactId: String
            var pathId: String?
        }

        /// An AWS error to answer.
        struct Failure: Error {
            var status: Int
            var code: String
            var message: String
        }

        let catalog: [CatalogProduct]
        let searchPageSize: Int
        let outputsPageSize: Int
        let stepsToComplete: Int
        let completionTime: TimeInterval?
        let accountLevelAccess: Bool
        var principals: [String: Principal]
        /// Live products left out of search answers, with how many answers are left.
        var hidden: [String: Int] = [:]
        /// Search answers with a next page that skip it.
        var pagesToLose = 0
        var refusesSearchQueries = false
        var credentials: [SigV4Verifier.Credentials]
        var faults: Faults
        var random: SplitMix64
        var scripted: [String: [ScriptedFault]] = [:]
        var failingProvisioning: Set<String> = []
        var failingTermination: Set<String> = []
        var products: [Product] = []
        var records: [String: Record] = [:]
        var provisionTokens: [String: String] = [:]
        var terminateTokens: [String: String] = [:]
        var serial = 0
        var errorSerial = 0
        var productsCreated = 0
        var violations: [String] = []
        var calls: [String: Int] = [:]
        var injected: [String: Int] = [:]
        var statusChanges: [StatusChange] = []

        init(configuration: Configuration) {
            catalog = configuration.catalog
            searchPageSize = max(1, configuration.searchPageSize)
            outputsPageSize = max(1, configuration.outputsPageSize)
            stepsToComplete = max(1, configuration.stepsToComplete)
            completionTime = configuration.completionTime.map { max(0, $0) }
            accountLevelAccess = configuration.accountLevelAccess
            principals = configuration.principals
            credentials = configuration.credentials
            faults = configuration.faults
            random = SplitMix64(seed: configuration.faults.seed)
        }

        /// `pp-`/`rec-` followed by 13 lowercase letters and digits.
        mutating func nextID(_ prefix: String) -> String {
            serial += 1
            let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
            var value = UInt64(serial) &* 0x9E37_79B9_7F4A_7C15
            var suffix = ""
            for _ in 0..<13 {
                suffix.append(alphabet[Int(value % 36)])
                value /= 36
                if value == 0 { value = UInt64(serial) &* 0xBF58_476D_1CE4_E5B9 }
            }
            return prefix + suffix
        }

        /// The error code in one of the three forms services send, in turn: plain, `namespace#Code`, and
        /// `Code:http://internal…`.
        mutating func typeForm(_ code: String) -> String {
            errorSerial += 1
            switch errorSerial % 3 {
            case 0: return code
            case 1: return "com.amazonaws.servicecatalog#\(code)"
            default: return "\(code):http://internal.amazon.com/coral/com.amazonaws.servicecatalog/"
            }
        }

        /// The fault for this call: a scripted one first, else one by chance.
        mutating func nextFault(for operation: String) -> ScriptedFault? {
            if var queue = scripted[operation], !queue.isEmpty {
                let fault = queue.removeFirst()
                scripted[operation] = queue
                return fault
            }
            let roll = Int(random.next() % 100)
            if roll < faults.throttlingPercent { return .throttle }
            if roll < faults.throttlingPercent + faults.serverErrorPercent {
                return random.next() % 2 == 0 ? .serverError : .serverErrorAfterApplying
            }
            if roll < faults.throttlingPercent + faults.serverErrorPercent + faults.dropPercent {
                return .dropAfterApplying
            }
            return nil
        }
    }

    /// A small, fast, seeded generator (SplitMix64), so fault sequences repeat from run to run.
    struct SplitMix64 {
        var state: UInt64

        init(seed: UInt64) {
            state = seed
        }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
