import Foundation
import SandboxHTTP

/// Where to send a service's requests and which region to sign them for.
struct AWSEndpoint: Sendable, Hashable {
    var url: URL
    /// The configured region with any `fips-`/`-fips` removed, even when the URL is an override.
    var signingRegion: String
    /// For the start-up log: `AWS_ENDPOINT_URL`, `partition aws`, ….
    var origin: String
}

/// A service sandboxd calls, named as its endpoint rules and botocore's configured-endpoint settings name it.
struct AWSService: Sendable {
    /// The model's `serviceId`: `AWS_ENDPOINT_URL_<ID>` upper-cases it, a `[services]` block lower-cases it (spaces
    /// become underscores in both).
    var serviceId: String
    /// The host's leading labels: `https://{prefix}[-fips].{region}.{suffix}`.
    var endpointPrefix: String
    /// STS's and the SSO portal's rules keep the plain host for FIPS in aws-us-gov (it is FIPS already).
    var plainFIPSHostInGovCloud = false

    var environmentVariable: String { "AWS_ENDPOINT_URL_" + serviceId.replacing(" ", with: "_").uppercased() }
    var servicesKey: String { serviceId.replacing(" ", with: "_").lowercased() }

    static let serviceCatalog = AWSService(serviceId: "Service Catalog", endpointPrefix: "servicecatalog")
    static let sts = AWSService(serviceId: "STS", endpointPrefix: "sts", plainFIPSHostInGovCloud: true)
    static let ssoPortal = AWSService(serviceId: "SSO", endpointPrefix: "portal.sso", plainFIPSHostInGovCloud: true)
}

/// The partitions of botocore's `data/partitions.json` (1.43.11), in file order: the first whose `regionRegex`
/// matches wins, `aws` is the fallback.
let awsPartitions: [(id: String, regionRegex: String, dnsSuffix: String, dualStackDnsSuffix: String)] = [
    ("aws", #"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$"#, "amazonaws.com", "api.aws"),
    ("aws-cn", #"^cn\-\w+\-\d+$"#, "amazonaws.com.cn", "api.amazonwebservices.com.cn"),
    ("aws-eusc", #"^eusc\-(de)\-\w+\-\d+$"#, "amazonaws.eu", "api.amazonwebservices.eu"),
    ("aws-iso", #"^us\-iso\-\w+\-\d+$"#, "c2s.ic.gov", "api.aws.ic.gov"),
    ("aws-iso-b", #"^us\-isob\-\w+\-\d+$"#, "sc2s.sgov.gov", "api.aws.scloud"),
    ("aws-iso-e", #"^eu\-isoe\-\w+\-\d+$"#, "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk"),
    ("aws-iso-f", #"^us\-isof\-\w+\-\d+$"#, "csp.hci.ic.gov", "api.aws.hci.ic.gov"),
    ("aws-us-gov", #"^us\-gov\-\w+\-\d+$"#, "amazonaws.com", "api.aws"),
]

extension AWSSettings {
    /// A service's endpoint: botocore's configured-endpoint lookup (`configprovider.ConfiguredEndpointProvider`),
    /// then the service's endpoint rules (`endpoint-rule-set-1.json`).
    ///
    /// 1. Unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` / `ignore_configured_endpoint_urls` is true:
    ///    `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's `services` section (`sts =` + indented
    ///    `endpoint_url = …`), the profile's `endpoint_url`. Used verbatim, and FIPS and dual-stack are then ignored:
    ///    botocore passes neither to the rules when an endpoint is given (`args.py`).
    /// 2. Else `https://{prefix}[-fips].{region}.{dnsSuffix | dualStackDnsSuffix}` of the region's partition.
    ///
    /// A FIPS pseudo-region (`fips-us-east-1`, `us-east-1-fips`) turns FIPS on and signs for the plain region.
    func endpoint(for service: AWSService, region: String) throws(AWSConfigurationError) -> AWSEndpoint {
        // client.py _normalize_fips_region: plain substring removal, anywhere in the name.
        let signingRegion = region.replacing("fips-", with: "").replacing("-fips", with: "")
        if !boolean("ignore_configured_endpoint_urls"), let configured = try configuredEndpoint(for: service) {
            // User info is a secret: refused without quoting the value (docs/behaviour.md §4.1).
            guard !URLUserInfo.isPresent(in: configured.value) else {
                throw .invalidEndpoint(
                    "\(configured.origin) holds credentials (USER:PASSWORD@ before the host): remove them; "
                        + "sandboxd signs with the credentials of its credential chain"
                )
            }
            guard let url = configured.url else {
                throw configured.invalid(", which is not an endpoint URL: use http(s)://HOST[:PORT]", .invalidEndpoint)
            }
            return AWSEndpoint(url: url, signingRegion: signingRegion, origin: configured.origin)
        }
        let partition = awsPartitions.first { signingRegion.contains(try! Regex($0.regionRegex)) } ?? awsPartitions[0]
        let dualStack = boolean("use_dualstack_endpoint")
        var fips = signingRegion != region || boolean("use_fips_endpoint")
        if fips, !dualStack, partition.id == "aws-us-gov", service.plainFIPSHostInGovCloud { fips = false }
        let suffix = dualStack ? partition.dualStackDnsSuffix : partition.dnsSuffix
        let host = "\(service.endpointPrefix)\(fips ? "-fips" : "").\(signingRegion).\(suffix)"
        guard let url = URL(string: "https://\(host)") else {
            throw .invalidRegion("the region \"\(region)\" does not make a valid host name")
        }
        return AWSEndpoint(url: url, signingRegion: signingRegion, origin: "partition \(partition.id)")
    }

    private func configuredEndpoint(for service: AWSService) throws(AWSConfigurationError) -> Setting? {
        if let variable = variable([service.environmentVariable, "AWS_ENDPOINT_URL"]) { return variable }
        if let name = profile(profileName).string("services") {
            guard let section = services[name], !section.isEmpty else {
                throw .invalidProfile(
                    "profile \(profileName) has services = \(name), but \(configFilePath) has no "
                        + "[services \(name)] section: add it or remove the services line"
                )
            }
            if let url = section[service.servicesKey]?.nested?["endpoint_url"], !url.isEmpty {
                return Setting(value: url, origin: "endpoint_url for \(service.servicesKey) in [services \(name)]")
            }
        }
        return setting("endpoint_url", variables: [])
    }
}
