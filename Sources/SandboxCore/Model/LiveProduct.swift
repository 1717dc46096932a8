public import Foundation

/// A provisioned product as Service Catalog reports it, restricted to what the planner needs.
public struct LiveProduct: Hashable, Sendable, Codable {
    /// Service Catalog's status of a provisioned product.
    public enum Status: String, Sendable, Codable {
        case available = "AVAILABLE"
        case underChange = "UNDER_CHANGE"
        case tainted = "TAINTED"
        case error = "ERROR"
        case planInProgress = "PLAN_IN_PROGRESS"
    }

    /// The provisioned product id (`pp-…`).
    public var id: String
    /// `<namePrefix><request-id>`.
    public var name: String
    public var status: Status
    /// The tags sandboxd set: `sandboxd:pool`, `sandboxd:request`, `sandboxd:requester`.
    public var tags: [String: String]
    /// The record of the last operation on it.
    public var lastRecordId: String?
    public var createdTime: Date?
    /// Why it is in `ERROR`/`TAINTED`, as Service Catalog says.
    public var statusMessage: String?

    public init(
        id: String,
        name: String,
        status: Status,
        tags: [String: String] = [:],
        lastRecordId: String? = nil,
        createdTime: Date? = nil,
        statusMessage: String? = nil
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.tags = tags
        self.lastRecordId = lastRecordId
        self.createdTime = createdTime
        self.statusMessage = statusMessage
    }

    /// Whether no operation is running on it (not `UNDER_CHANGE` or `PLAN_IN_PROGRESS`): the one
    /// definition the planner uses before terminating a product, a request's or an orphan alike.
    public var isSettled: Bool { status != .underChange && status != .planInProgress }

    /// The request this product was made for, from its tag.
    public var requestTag: String? { tags[TagKey.request] }
}

/// The tag keys sandboxd puts on every product (docs/behaviour.md §3).
public enum TagKey {
    public static let pool = "sandboxd:pool"
    public static let request = "sandboxd:request"
    public static let requester = "sandboxd:requester"
}
