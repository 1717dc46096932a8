import Foundation
import Testing

/// The Metaflow sandbox product, `catalog/metaflow-sandbox.yaml` (README "From an empty AWS account to a running
/// sandboxd"), read through its JSON twin `catalog/metaflow-sandbox.json`: the same template with CloudFormation's
/// short tags in their long form, written by `Scripts/check-catalog.py json` and checked equal to the YAML by
/// `.ci/run`, so that no YAML reader is needed here.
@Suite("catalog: the Metaflow sandbox template is isolated")
struct CatalogTemplateTests {
    /// Resources that would give the VPC a way out (or in).
    static let forbiddenTypes: Set = [
        "AWS::EC2::InternetGateway", "AWS::EC2::EgressOnlyInternetGateway", "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::NatGateway", "AWS::EC2::EIP", "AWS::EC2::EIPAssociation", "AWS::EC2::Route",
        "AWS::EC2::VPCPeeringConnection", "AWS::EC2::TransitGatewayAttachment", "AWS::EC2::TransitGatewayVpcAttachment",
        "AWS::EC2::VPNGateway", "AWS::EC2::VPNGatewayRoutePropagation", "AWS::EC2::ClientVpnEndpoint",
        "AWS::EC2::CarrierGateway", "AWS::EC2::LocalGatewayRouteTableVPCAssociation",
        "AWS::EC2::SecurityGroupEgress",
    ]

    /// The AWS services a role here may be assumed by.
    static let trustedServices: Set = [
        "vpc-flow-logs.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "states.amazonaws.com",
        "events.amazonaws.com", "sagemaker.amazonaws.com",
    ]

    /// Actions whose only resource is `*` (IAM's service authorization reference), the one place a grant may say `*`.
    static let accountWideActions: Set = [
        "ecr:GetAuthorizationToken", "batch:DescribeJobs", "batch:DescribeJobDefinitions", "batch:DescribeJobQueues",
        "batch:DescribeComputeEnvironments",
    ]

    /// Names a sandbox shares with its account, each for a stated reason (the template's comments say the same).
    static let sharedNamePatterns = [
        // Metaflow names its Batch job definitions metaflow_<hash>; jobs get ids, not names.
        ":job-definition/metaflow_*", ":job/*",
        // The images catalog/bootstrap.sh copies into the sandbox account.
        ":repository/sandboxd/*",
        // The rule Step Functions itself manages for its Batch .sync integration.
        ":rule/StepFunctionsGetEventsForBatchJobsRule",
        // ECR's image layers, through the S3 gateway endpoint.
        "-starport-layer-bucket/*",
        // AWS Batch's default log group, where Metaflow's steps log (their streams are named after the job definition).
        ":log-group:/aws/batch/job:*", ":log-group:/aws/batch/job:log-stream:metaflow_*",
    ]

    /// The parameters through which the template may name something outside itself (docs in its Parameters).
    static let documentedParameters: Set = ["RequesterPrincipalArn", "PermissionsBoundaryArn"]

    static func repositoryFile(_ path: String) -> URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(path)
    }

    static func loadTemplate() throws -> [String: Any] {
        let data = try Data(contentsOf: repositoryFile("catalog/metaflow-sandbox.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func resources(_ template: [String: Any]) throws -> [String: [String: Any]] {
        try #require(template["Resources"] as? [String: [String: Any]])
    }

    static func resources(ofType type: String, in template: [String: Any]) throws -> [(String, [String: Any])] {
        try resources(template).filter { $0.value["Type"] as? String == type }
            .map { ($0.key, $0.value["Properties"] as? [String: Any] ?? [:]) }.sorted { $0.0 < $1.0 }
    }

    /// Every string in `value`, and every key of every object in it.
    static func strings(in value: Any) -> [String] {
        switch value {
        case let text as String: return [text]
        case let array as [Any]: return array.flatMap(strings(in:))
        case let object as [String: Any]: return object.flatMap { [$0.key] + strings(in: $0.value) }
        default: return []
        }
    }

    @Test("no internet gateway, NAT, Elastic IP, route, peering or VPN; no public IP anywhere")
    func noWayOut() throws {
        let template = try Self.loadTemplate()
        let types = try Self.resources(template).values.compactMap { $0["Type"] as? String }
        #expect(Set(types).isDisjoint(with: Self.forbiddenTypes), "\(Set(types).intersection(Self.forbiddenTypes))")
        let everything = Self.strings(in: template["Resources"] as Any)
        for key in ["MapPublicIpOnLaunch", "AssociatePublicIpAddress", "MapCustomerOwnedIpOnLaunch", "Ipv6CidrBlock"] {
            #expect(!everything.contains(key), "\(key) appears in the template")
        }
        #expect(!everything.contains { $0.contains("0.0.0.0/0") || $0.contains("::/0") })
        for (name, properties) in try Self.resources(ofType: "AWS::ECS::Service", in: template) {
            let network = properties["NetworkConfiguration"] as? [String: [String: Any]]
            #expect(network?["AwsvpcConfiguration"]?["AssignPublicIp"] as? String == "DISABLED", "\(name)")
        }
        for (name, properties) in try Self.resources(ofType: "AWS::SageMaker::NotebookInstance", in: template) {
            #expect(properties["DirectInternetAccess"] as? String == "Disabled", "\(name)")
            #expect(properties["SubnetId"] != nil, "\(name) is not in the VPC")
        }
        for (name, properties) in try Self.resources(ofType: "AWS::ElasticLoadBalancingV2::LoadBalancer", in: template)
        {
            #expect(properties["Scheme"] as? String == "internal", "\(name)")
        }
        for (name, properties) in try Self.resources(ofType: "AWS::RDS::DBInstance", in: template) {
            #expect(properties["PubliclyAccessible"] as? Bool == false, "\(name)")
            #expect(properties["StorageEncrypted"] as? Bool == true, "\(name)")
        }
    }

    @Test("every security group names its egress, and it stays in the VPC or goes to S3's prefix list")
    func egressStaysInside() throws {
        let template = try Self.loadTemplate()
        let groups = try Self.resources(ofType: "AWS::EC2::SecurityGroup", in: template)
        #expect(!groups.isEmpty)
        for (name, properties) in groups {
            // A group without SecurityGroupEgress gets AWS's default rule: everything to 0.0.0.0/0.
            let egress = try #require(properties["SecurityGroupEgress"] as? [[String: Any]], "\(name) has no egress")
            for rule in egress {
                let toVPC = rule["CidrIp"] as? NSDictionary == ["Fn::GetAtt": ["Vpc", "CidrBlock"]]
                let toS3 = rule["DestinationPrefixListId"] as? NSDictionary == ["Ref": "S3PrefixListId"]
                #expect(toVPC || toS3, "\(name): \(rule)")
                #expect(rule["IpProtocol"] as? String == "tcp", "\(name): every egress names its port")
            }
        }
    }

    @Test("the bucket blocks public access, denies non-TLS access and is emptied when the sandbox is deleted")
    func bucketIsPrivateAndPurged() throws {
        let template = try Self.loadTemplate()
        let buckets = try Self.resources(ofType: "AWS::S3::Bucket", in: template)
        try #require(buckets.count == 1)
        let (bucket, properties) = buckets[0]
        let block = try #require(properties["PublicAccessBlockConfiguration"] as? [String: Bool])
        #expect(
            block == [
                "BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true,
                "RestrictPublicBuckets": true,
            ]
        )
        #expect(properties["BucketEncryption"] != nil)

        let policies = try Self.resources(ofType: "AWS::S3::BucketPolicy", in: template)
        let policy = try #require(policies.first { $0.1["Bucket"] as? NSDictionary == ["Ref": bucket] })
        let document = try #require(policy.1["PolicyDocument"] as? [String: Any])
        let statements = try #require(document["Statement"] as? [[String: Any]])
        let denyPlainHTTP = statements.first { statement in
            let condition = statement["Condition"] as? [String: [String: String]]
            return statement["Effect"] as? String == "Deny" && statement["Principal"] as? String == "*"
                && statement["Action"] as? String == "s3:*" && condition?["Bool"]?["aws:SecureTransport"] == "false"
        }
        let resources = try #require(denyPlainHTTP?["Resource"] as? [Any], "no statement denies non-TLS access")
        #expect(resources.count == 2, "the bucket and its objects")

        let purges = try Self.resources(ofType: "Custom::BucketPurge", in: template)
        let purge = try #require(purges.first)
        #expect(purge.1["BucketName"] as? NSDictionary == ["Ref": bucket])
        let token = try #require(purge.1["ServiceToken"] as? [String: [String]])
        let function = try #require(try Self.resources(template)[token["Fn::GetAtt"]?.first ?? ""])
        let code = (function["Properties"] as? [String: Any])?["Code"] as? [String: String]
        #expect(code?["ZipFile"]?.contains("object_versions.delete()") == true)
        let resource = try Self.resources(template)[bucket]
        #expect(resource?["DeletionPolicy"] as? String == "Delete")
    }

    @Test("roles are trusted by the sandbox's services, or by the requester through RequesterPrincipalArn")
    func rolesTrustOnlyWhatTheyShould() throws {
        let template = try Self.loadTemplate()
        let roles = try Self.resources(ofType: "AWS::IAM::Role", in: template)
        #expect(roles.count >= 7)
        var requesterRoles: [String] = []
        for (name, properties) in roles {
            #expect(properties["PermissionsBoundary"] as? NSDictionary == ["Ref": "PermissionsBoundaryArn"], "\(name)")
            #expect(properties["Path"] as? String == "/sandboxd/", "\(name)")
            let trust = try #require(properties["AssumeRolePolicyDocument"] as? [String: Any])
            for statement in try #require(trust["Statement"] as? [[String: Any]]) {
                #expect(statement["Action"] as? String == "sts:AssumeRole", "\(name)")
                let principal = try #require(statement["Principal"] as? [String: Any], "\(name)")
                if let service = principal["Service"] as? String {
                    #expect(Self.trustedServices.contains(service), "\(name) trusts \(service)")
                } else {
                    #expect(principal as NSDictionary == ["AWS": ["Ref": "RequesterPrincipalArn"]], "\(name)")
                    requesterRoles.append(name)
                }
            }
            for managed in properties["ManagedPolicyArns"] as? [Any] ?? [] {
                let reference = try #require(managed as? [String: String], "\(name): \(managed)")
                let policy = try Self.resources(template)[reference["Ref"] ?? ""]
                #expect(policy?["Type"] as? String == "AWS::IAM::ManagedPolicy", "\(name) uses \(managed)")
            }
        }
        #expect(requesterRoles == ["AccessRole"])
    }

    @Test("every grant names this sandbox's resources, an account-wide action, or a documented shared name")
    func grantsStayInTheSandbox() throws {
        let template = try Self.loadTemplate()
        let resourceNames = Set(try Self.resources(template).keys)
        var documents: [(String, [String: Any])] = []
        for (name, properties) in try Self.resources(ofType: "AWS::IAM::Role", in: template) {
            for policy in properties["Policies"] as? [[String: Any]] ?? [] {
                documents.append((name, try #require(policy["PolicyDocument"] as? [String: Any])))
            }
        }
        for (name, properties) in try Self.resources(ofType: "AWS::IAM::ManagedPolicy", in: template) {
            documents.append((name, try #require(properties["PolicyDocument"] as? [String: Any])))
        }
        #expect(documents.count >= 8)
        for (name, document) in documents {
            for statement in try #require(document["Statement"] as? [[String: Any]]) {
                let actions = statement["Action"] as? [String] ?? [statement["Action"] as? String ?? ""]
                #expect(statement["Effect"] as? String == "Allow", "\(name)")
                #expect(!actions.contains { $0.contains("*") }, "\(name): \(actions)")
                let resources = statement["Resource"] as? [Any] ?? [statement["Resource"] as Any]
                for resource in resources {
                    let problem = Self.problem(resource, actions: actions, resourceNames: resourceNames)
                    #expect(problem == nil, "\(name): \(problem ?? "")")
                }
            }
        }
    }

    /// Why `resource` is not one of the sandbox's own, or `nil` when it is.
    static func problem(_ resource: Any, actions: [String], resourceNames: Set<String>) -> String? {
        if resource as? String == "*" {
            return Set(actions).isSubset(of: accountWideActions) ? nil : "\(actions) on *"
        }
        if let reference = resource as? [String: String], let name = reference["Ref"] {
            return resourceNames.contains(name) ? nil : "Ref \(name) is not a resource of the template"
        }
        if let attribute = resource as? [String: [String]], let name = attribute["Fn::GetAtt"]?.first {
            return resourceNames.contains(name) ? nil : "GetAtt \(name) is not a resource of the template"
        }
        guard let text = (resource as? [String: String])?["Fn::Sub"] else { return "\(resource) is a literal" }
        let names = text.components(separatedBy: "${").dropFirst().compactMap {
            $0.components(separatedBy: "}").first?.components(separatedBy: ".").first
        }
        if names.contains(where: resourceNames.contains) { return nil }
        if names.contains("SandboxName"), text.contains("${SandboxName}_") { return nil }
        if sharedNamePatterns.contains(where: text.hasSuffix) { return nil }
        return "\(text) names nothing of this sandbox"
    }

    @Test("parameters name the owner, the request, the requester's principal and the boundary; outputs are Metaflow's")
    func parametersAndOutputs() throws {
        let template = try Self.loadTemplate()
        let parameters = try #require(template["Parameters"] as? [String: Any])
        #expect(Self.documentedParameters.isSubset(of: Set(parameters.keys)))
        #expect(Set(["SandboxOwner", "SandboxName", "MaxVCpus"]).isSubset(of: Set(parameters.keys)))
        let outputs = try #require(template["Outputs"] as? [String: [String: Any]])
        let described = Set(outputs.values.compactMap { ($0["Description"] as? String)?.split(separator: " ").first })
        for key in [
            "METAFLOW_DATASTORE_SYSROOT_S3", "METAFLOW_BATCH_JOB_QUEUE", "METAFLOW_ECS_S3_ACCESS_IAM_ROLE",
            "METAFLOW_SERVICE_URL", "METAFLOW_SFN_IAM_ROLE", "METAFLOW_EVENTS_SFN_ACCESS_IAM_ROLE",
            "METAFLOW_SFN_DYNAMO_DB_TABLE",
        ] {
            #expect(described.contains(Substring(key)), "no output for \(key)")
        }
        #expect(Set(["Region", "NotebookUrl", "AccessRoleArn"]).isSubset(of: Set(outputs.keys)))
    }
}
