/// An AWS partition from botocore's `data/partitions.json` (1.43.11): which regions belong to it and its DNS
/// suffixes.
struct AWSPartition: Sendable, Hashable {
    var id: String
    /// `regionRegex` is `^(PREFIX|…)\-\w+\-\d+$`; these are the alternatives.
    var regionPrefixes: [String]
    /// Regions listed explicitly (they match even when the pattern does not).
    var regions: Set<String>
    var dnsSuffix: String
    var dualStackDnsSuffix: String

    /// In file order; the first match wins and `aws` is the fallback.
    static let all: [AWSPartition] = [
        AWSPartition(
            id: "aws",
            regionPrefixes: ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
            regions: [
                "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
                "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
                "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "aws-global", "ca-central-1", "ca-west-1",
                "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
                "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1",
                "us-east-2", "us-west-1", "us-west-2",
            ],
            dnsSuffix: "amazonaws.com",
            dualStackDnsSuffix: "api.aws"
        ),
        AWSPartition(
            id: "aws-cn",
            regionPrefixes: ["cn"],
            regions: ["aws-cn-global", "cn-north-1", "cn-northwest-1"],
            dnsSuffix: "amazonaws.com.cn",
            dualStackDnsSuffix: "api.amazonwebservices.com.cn"
        ),
        AWSPartition(
            id: "aws-eusc",
            regionPrefixes: ["eusc-de"],
            regions: ["eusc-de-east-1"],
            dnsSuffix: "amazonaws.eu",
            dualStackDnsSuffix: "api.amazonwebservices.eu"
        ),
        AWSPartition(
            id: "aws-iso",
            regionPrefixes: ["us-iso"],
            regions: ["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
            dnsSuffix: "c2s.ic.gov",
            dualStackDnsSuffix: "api.aws.ic.gov"
        ),
        AWSPartition(
            id: "aws-iso-b",
            regionPrefixes: ["us-isob"],
            regions: ["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
            dnsSuffix: "sc2s.sgov.gov",
            dualStackDnsSuffix: "api.aws.scloud"
        ),
        AWSPartition(
            id: "aws-iso-e",
            regionPrefixes: ["eu-isoe"],
            regions: ["aws-iso-e-global", "eu-isoe-west-1"],
            dnsSuffix: "cloud.adc-e.uk",
            dualStackDnsSuffix: "api.cloud-aws.adc-e.uk"
        ),
        AWSPartition(
            id: "aws-iso-f",
            regionPrefixes: ["us-isof"],
            regions: ["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
            dnsSuffix: "csp.hci.ic.gov",
            dualStackDnsSuffix: "api.aws.hci.ic.gov"
        ),
        AWSPartition(
            id: "aws-us-gov",
            regionPrefixes: ["us-gov"],
            regions: ["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
            dnsSuffix: "amazonaws.com",
            dualStackDnsSuffix: "api.aws"
        ),
    ]

    /// The partition a region belongs to (`aws.partition` in the endpoint rules): the first whose region list or
    /// pattern matches, else `aws`.
    static func containing(region: String) -> AWSPartition {
        all.first { $0.regions.contains(region) || $0.matchesPattern(region) } ?? all[0]
    }

    /// `^(prefix)\-\w+\-\d+$`.
    func matchesPattern(_ region: String) -> Bool {
        regionPrefixes.contains { prefix in
            guard region.hasPrefix(prefix + "-") else { return false }
            let rest = region.dropFirst(prefix.count + 1).split(separator: "-", omittingEmptySubsequences: false)
            guard rest.count == 2, !rest[0].isEmpty, !rest[1].isEmpty else { return false }
            return rest[0].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                && rest[1].allSatisfy { $0.isASCII && $0.isNumber }
        }
    }
}
