public import Foundation

/// Where to send Service Catalog requests and which region to sign them for.
public struct AWSEndpoint: Sendable, Hashable {
    /// Where the URL came from, for the start-up log.
    public enum Origin: Sendable, Hashable, CustomStringConvertible {
        /// `AWS_ENDPOINT_URL_SERVICE_CATALOG` or `AWS_ENDPOINT_URL`.
        case environment(variable: String)
        /// `service_catalog = endpoint_url = …` in the `[services NAME]` section the profile names.
        case servicesSection(name: String)
        /// `endpoint_url` in the profile.
        case profile(name: String)
        /// Built from the region and its partition (`aws`, `aws-cn`, `aws-us-gov`, …).
        case partition(id: String)

        public var description: String {
            switch self {
            case .environment(let variable): variable
            case .servicesSection(let name): "[services \(name)] in the config file"
            case .profile(let name): "endpoint_url in profile \(name)"
            case .partition(let id): "partition \(id)"
            }
        }
    }

    /// The endpoint URL, used verbatim when configured.
    public var url: URL
    /// The region in the SigV4 credential scope: the configured region with any `fips-`/`-fips` removed, even when
    /// the URL is an override.
    public var signingRegion: String
    /// Where ``url`` came from.
    public var origin: Origin

    /// Creates an endpoint.
    public init(url: URL, signingRegion: String, origin: Origin) {
        self.url = url
        self.signingRegion = signingRegion
        self.origin = origin
    }
}
