public import Foundation

/// Everything the local Service Catalog simulator knows, kept in the state directory so that it
/// behaves the same across processes and after a SIGKILL (no in-process timer carries state).
public struct SimulatorState: Codable, Sendable, Hashable {
    /// A simulated provisioned product.
    public struct Product: Codable, Sendable, Hashable {
        public var id: String
        public var name: String
        public var tags: [String: String]
        /// `AVAILABLE`, `UNDER_CHANGE`, `ERROR`, `TAINTED`.
        public var status: String
        public var statusMessage: String?
        public var createdAt: Date
        /// When the operation in progress completes; `nil` when none is, or when it is stuck.
        public var changeCompletesAt: Date?
        /// The operation in progress: `provision` or `terminate`.
        public var operation: String?
        public var lastRecordId: String
        public var outputs: [String: String]
    }

    /// A simulated record (one operation).
    public struct Record: Codable, Sendable, Hashable {
        public var id: String
        /// `PROVISION_PRODUCT` or `TERMINATE_PROVISIONED_PRODUCT`.
        public var type: String
        public var productId: String
        public var token: String
        /// `IN_PROGRESS`, `SUCCEEDED`, `FAILED`.
        public var status: String
        public var errors: [String]
    }

    public var products: [Product] = []
    public var records: [String: Record] = [:]
    public var serial = 0

    public init() {}
}
