import Foundation

extension AWSConfigurationResolver {
    /// Service Catalog's endpoint rules (`endpoint-rule-set-1.json`) with botocore's configured-endpoint lookup
    /// (`configprovider.ConfiguredEndpointProvider`) in front.
    ///
    /// 1. Unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` / `ignore_configured_endpoint_urls` is true:
    ///    `AWS_ENDPOINT_URL_SERVICE_CATALOG`, `AWS_ENDPOINT_URL`, the profile's `services` section
    ///    (`service_catalog =` + indented `endpoint_url = …`), the profile's `endpoint_url`. Used verbatim, and
    ///    FIPS and dual-stack settings are then ignored: botocore passes neither to the endpoint rules when an
    ///    endpoint is given (`args.py`), so the rules' "FIPS and custom endpoint" error never fires.
    /// 2. Else `https://servicecatalog[-fips].{region}.{dnsSuffix | dualStackDnsSuffix}` of the region's partition.
    ///
    /// A FIPS pseudo-region (`fips-us-east-1`, `us-east-1-fips`) turns FIPS on and signs for the plain region.
    func endpoint(region: String, in shared: AWSSharedConfiguration) throws(AWSConfigurationError) -> AWSEndpoint {
        // client.py _normalize_fips_region: plain substring removal, anywhere in the name.
        let signingRegion = region.replacingOccurrences(of: "fips-", with: "")
            .replacingOccurrences(of: "-fips", with: "")

        let ignoreConfigured = boolean(
            environment: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            profileKey: "ignore_configured_endpoint_urls",
            in: shared
        )
        if !ignoreConfigured, let (text, origin, describedAs) = try configuredEndpoint(in: shared) {
            guard let url = Self.validEndpointURL(text) else {
                throw AWSConfigurationError(
                    .invalidEndpoint,
                    "\(describedAs) is \"\(text)\", which is not an endpoint URL: use http(s)://HOST[:PORT]"
                )
            }
            return AWSEndpoint(url: url, signingRegion: signingRegion, origin: origin)
        }

        let useFIPS =
            signingRegion != region
            || boolean(environment: "AWS_USE_FIPS_ENDPOINT", profileKey: "use_fips_endpoint", in: shared)
        let useDualStack = boolean(
            environment: "AWS_USE_DUALSTACK_ENDPOINT",
            profileKey: "use_dualstack_endpoint",
            in: shared
        )
        let partition = AWSPartition.containing(region: signingRegion)
        let host =
            "servicecatalog\(useFIPS ? "-fips" : "").\(signingRegion)."
            + (useDualStack ? partition.dualStackDnsSuffix : partition.dnsSuffix)
        guard let url = URL(string: "https://\(host)") else {
            throw AWSConfigurationError(.invalidRegion, "the region \"\(region)\" does not make a valid host name")
        }
        return AWSEndpoint(url: url, signingRegion: signingRegion, origin: .partition(id: partition.id))
    }

    /// The first configured endpoint URL: text, origin, and how to name it in an error.
    private func configuredEndpoint(
        in shared: AWSSharedConfiguration
    ) throws(AWSConfigurationError)
        -> (String, AWSEndpoint.Origin, String)?
    {
        for variable in [Self.serviceEndpointVariable, "AWS_ENDPOINT_URL"] {
            if let url = value(variable) { return (url, .environment(variable: variable), variable) }
        }
        let profile = shared.profile(profileName)
        if let sectionName = profile.string("services") {
            guard let section = shared.services[sectionName], !section.isEmpty else {
                throw AWSConfigurationError(
                    .invalidProfile,
                    "profile \(profileName) has services = \(sectionName), but \(shared.configFilePath) has no "
                        + "[services \(sectionName)] section: add it or remove the services line"
                )
            }
            if let url = section[Self.servicesSectionKey]?.nested?["endpoint_url"], !url.isEmpty {
                return (
                    url, .servicesSection(name: sectionName),
                    "endpoint_url for \(Self.servicesSectionKey) in [services \(sectionName)]"
                )
            }
        }
        if let url = profile.string("endpoint_url"), !url.isEmpty {
            return (url, .profile(name: profileName), "endpoint_url in profile \(profileName)")
        }
        return nil
    }

    /// botocore's `is_valid_endpoint_url` / `is_valid_ipv6_endpoint_url`, roughly: a URL with a scheme and a host,
    /// no whitespace.
    static func validEndpointURL(_ text: String) -> URL? {
        guard !text.contains(where: { $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == " " }),
            let url = URL(string: text),
            let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return nil }
        return url
    }
}
