public import Foundation

/// The last check of the pool's product and artifact (DescribeProduct, DescribeProvisioningArtifact),
/// and when the next one is due (docs/behaviour.md §4): when `pool.json` names another product or
/// artifact, after a check that failed, after a provisioning failure, and otherwise every
/// ``ProvisioningPolicy/productCheckInterval``. A steady pass makes no such call.
public struct ProductCheck: Hashable, Sendable {
    /// The product checked.
    public var product: ProductReference
    /// When.
    public var at: Date
    /// Whether the check found a problem.
    public var failed: Bool
    /// A provisioning call was refused or an attempt failed since: the next pass checks again.
    public var recheckRequested = false

    public init(product: ProductReference, at: Date, failed: Bool) {
        self.product = product
        self.at = at
        self.failed = failed
    }

    /// Whether a pass at `now` for a pool naming `product` checks it again.
    public func isDue(for product: ProductReference, now: Date) -> Bool {
        failed || recheckRequested || product != self.product
            || now.timeIntervalSince(at) >= ProvisioningPolicy.productCheckInterval
    }
}
