public import Foundation

/// Where sandboxd's AWS credentials come from, as decided by ``AWSConfigurationResolver/resolveCredentialSource()``.
///
/// The cases are botocore's default credential chain (`credentials.create_credential_resolver`) minus the providers
/// sandboxd does not support (SSO, `aws login`, `credential_process`, boto2 files), which are reported as
/// ``AWSConfigurationError/Code/unsupportedCredentialSource`` rather than skipped. Static keys are returned as they
/// are; the other cases describe what to fetch and from where.
///
/// Chain order (the first that applies wins):
/// 1. ``environment(_:)``
/// 2. ``assumeRole(_:)`` — the profile has `role_arn` (and no `web_identity_token_file`)
/// 3. ``webIdentity(_:)`` — `AWS_WEB_IDENTITY_TOKEN_FILE` or the profile's `web_identity_token_file`
/// 4. (SSO: unsupported)
/// 5. ``sharedCredentialsFile(_:profile:path:)``
/// 6. (`aws login`, `credential_process`: unsupported)
/// 7. ``configFile(_:profile:path:)``
/// 8. ``container(_:)`` — `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `…_FULL_URI`
/// 9. ``instanceMetadata(_:)`` — unless `AWS_EC2_METADATA_DISABLED=true`
public indirect enum AWSCredentialSource: Sendable, Hashable {
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, with `AWS_SESSION_TOKEN` (or the older `AWS_SECURITY_TOKEN`)
    /// and `AWS_CREDENTIAL_EXPIRATION` when set. Ready to use.
    case environment(AWSCredentials)

    /// Static keys (`aws_access_key_id`, `aws_secret_access_key`, optional `aws_session_token`) in the profile's
    /// `[NAME]` section of the shared credentials file. Ready to use.
    case sharedCredentialsFile(AWSCredentials, profile: String, path: String)

    /// Static keys in the profile's section of the config file (`[default]` or `[profile NAME]`). Ready to use.
    case configFile(AWSCredentials, profile: String, path: String)

    /// Call STS `AssumeRole` (a SigV4-signed query-protocol call) with credentials from ``AssumeRole/source``.
    case assumeRole(AssumeRole)

    /// Call STS `AssumeRoleWithWebIdentity` (unsigned) with the token read from a file at every refresh.
    case webIdentity(WebIdentity)

    /// GET the ECS/EKS container credentials endpoint.
    case container(Container)

    /// Fetch the instance role's credentials from the EC2 instance metadata service (IMDSv2, falling back to v1
    /// unless disabled).
    case instanceMetadata(InstanceMetadata)
}

extension AWSCredentialSource {
    /// An assume-role profile: `role_arn` plus `source_profile` or `credential_source`.
    public struct AssumeRole: Sendable, Hashable {
        /// The profile that holds `role_arn`.
        public var profile: String
        /// The role to assume (`role_arn`).
        public var roleArn: String
        /// `role_session_name`; botocore uses `botocore-session-<epoch seconds>` when absent.
        public var roleSessionName: String?
        /// `external_id`.
        public var externalId: String?
        /// `duration_seconds`; absent (and, as in botocore, ignored when not an integer) means the role's default.
        public var durationSeconds: Int?
        /// Where the credentials that call `AssumeRole` come from: the `source_profile`'s own source (static keys,
        /// another assume-role, web identity) or the `credential_source` (`Environment` → ``environment(_:)``,
        /// `EcsContainer` → ``container(_:)``, `Ec2InstanceMetadata` → ``instanceMetadata(_:)``).
        public var source: AWSCredentialSource

        /// Creates an assume-role description.
        public init(
            profile: String,
            roleArn: String,
            roleSessionName: String? = nil,
            externalId: String? = nil,
            durationSeconds: Int? = nil,
            source: AWSCredentialSource
        ) {
            self.profile = profile
            self.roleArn = roleArn
            self.roleSessionName = roleSessionName
            self.externalId = externalId
            self.durationSeconds = durationSeconds
            self.source = source
        }
    }

    /// Web identity federation (EKS IRSA, GitHub OIDC…): each setting from its environment variable when set,
    /// else from the profile.
    public struct WebIdentity: Sendable, Hashable {
        /// `AWS_WEB_IDENTITY_TOKEN_FILE` or `web_identity_token_file`: read again at every refresh.
        public var tokenFile: String
        /// `AWS_ROLE_ARN` or `role_arn`.
        public var roleArn: String
        /// `AWS_ROLE_SESSION_NAME` or `role_session_name`; botocore uses `botocore-session-<epoch seconds>` when
        /// absent.
        public var roleSessionName: String?

        /// Creates a web identity description.
        public init(tokenFile: String, roleArn: String, roleSessionName: String? = nil) {
            self.tokenFile = tokenFile
            self.roleArn = roleArn
            self.roleSessionName = roleSessionName
        }
    }

    /// The container credentials endpoint (ECS task roles, EKS Pod Identity).
    public struct Container: Sendable, Hashable {
        /// How to authenticate to the endpoint.
        public enum Authorization: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
            CustomReflectable
        {
            /// No `Authorization` header.
            case none
            /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`, sent as the `Authorization` header.
            case token(String)
            /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (preferred over the token): read the file at every fetch;
            /// its contents are the header value and must not contain CR or LF.
            case tokenFile(String)

            /// Names the kind and the file, never the token.
            public var description: String {
                switch self {
                case .none: "none"
                case .token: "token from AWS_CONTAINER_AUTHORIZATION_TOKEN"
                case .tokenFile(let path): "token from file \(path)"
                }
            }

            /// The same as ``description``.
            public var debugDescription: String { description }

            /// A mirror without the token, so `dump` cannot print it.
            public var customMirror: Mirror { Mirror(self, children: ["kind": description]) }
        }

        /// `http://169.254.170.2` + `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, or `AWS_CONTAINER_CREDENTIALS_FULL_URI`
        /// (https anywhere; http only to a loopback address, `169.254.170.2`, `169.254.170.23`, `fd00:ec2::23` or
        /// `localhost`).
        public var url: URL
        /// The `Authorization` header to send.
        public var authorization: Authorization

        /// Creates a container endpoint description.
        public init(url: URL, authorization: Authorization = .none) {
            self.url = url
            self.authorization = authorization
        }
    }

    /// The EC2 instance metadata service.
    public struct InstanceMetadata: Sendable, Hashable {
        /// `AWS_EC2_METADATA_SERVICE_ENDPOINT` / `ec2_metadata_service_endpoint`, else `http://[fd00:ec2::254]/` when
        /// the endpoint mode is IPv6, else `http://169.254.169.254/`.
        public var endpoint: URL
        /// `AWS_EC2_METADATA_V1_DISABLED` / `ec2_metadata_v1_disabled`: never fall back to IMDSv1 (no token).
        public var v1Disabled: Bool
        /// `AWS_METADATA_SERVICE_TIMEOUT` / `metadata_service_timeout`, seconds per request (default 1).
        public var timeoutSeconds: Int
        /// `AWS_METADATA_SERVICE_NUM_ATTEMPTS` / `metadata_service_num_attempts` (default 1).
        public var attempts: Int

        /// Creates an instance metadata description.
        public init(endpoint: URL, v1Disabled: Bool = false, timeoutSeconds: Int = 1, attempts: Int = 1) {
            self.endpoint = endpoint
            self.v1Disabled = v1Disabled
            self.timeoutSeconds = timeoutSeconds
            self.attempts = attempts
        }
    }
}

extension AWSCredentialSource: CustomStringConvertible {
    /// One line for the start-up log, without secrets: `shared credentials file /root/.aws/credentials, profile dev
    /// (AKIA…)`.
    public var description: String {
        switch self {
        case .environment(let credentials):
            "environment variables (\(credentials.accessKeyId))"
        case .sharedCredentialsFile(let credentials, let profile, let path):
            "shared credentials file \(path), profile \(profile) (\(credentials.accessKeyId))"
        case .configFile(let credentials, let profile, let path):
            "config file \(path), profile \(profile) (\(credentials.accessKeyId))"
        case .assumeRole(let role):
            "assume role \(role.roleArn) (profile \(role.profile)) with \(role.source)"
        case .webIdentity(let identity):
            "web identity token \(identity.tokenFile) for role \(identity.roleArn)"
        case .container(let container):
            "container credentials endpoint \(container.url.absoluteString) (authorization: \(container.authorization))"
        case .instanceMetadata(let metadata):
            "EC2 instance metadata at \(metadata.endpoint.absoluteString)"
        }
    }
}
