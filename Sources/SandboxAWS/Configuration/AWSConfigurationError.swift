/// A problem with the AWS settings found at start-up: something missing, contradictory or malformed in the
/// environment or the shared `config`/`credentials` files.
///
/// ``message`` is one line that says what is wrong and what to set, suitable for printing before exiting 1
/// (docs/behaviour.md §4: start-up fails fast on missing configuration). It never contains a secret.
public struct AWSConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem it is, for code that reacts to some of them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case missingRegion
            case invalidRegion
            case noCredentials
            case partialCredentials
            case profileNotFound
            case invalidProfile
            case unsupportedCredentialSource
            case invalidEndpoint
            case invalidValue
            case unreadableFile
            case malformedFile
        }

        private let base: Base

        /// No region in `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile.
        public static let missingRegion = Code(base: .missingRegion)
        /// The region is not a valid host label.
        public static let invalidRegion = Code(base: .invalidRegion)
        /// No credential source in the chain applies.
        public static let noCredentials = Code(base: .noCredentials)
        /// An access key id without its secret (or the reverse where that is fatal).
        public static let partialCredentials = Code(base: .partialCredentials)
        /// `AWS_PROFILE` (or `AWS_DEFAULT_PROFILE`) names a profile that neither file defines.
        public static let profileNotFound = Code(base: .profileNotFound)
        /// A profile's settings contradict each other or point at something that does not exist
        /// (`source_profile` loops, unknown `credential_source`, missing `role_arn`, missing `services` section).
        public static let invalidProfile = Code(base: .invalidProfile)
        /// The profile asks for a credential provider sandboxd does not implement (SSO, `aws login`,
        /// `credential_process`, MFA).
        public static let unsupportedCredentialSource = Code(base: .unsupportedCredentialSource)
        /// A configured endpoint URL (or instance metadata endpoint) that is not a valid URL.
        public static let invalidEndpoint = Code(base: .invalidEndpoint)
        /// A setting with a value of the wrong form (a number, a boolean, a retry mode, a date).
        public static let invalidValue = Code(base: .invalidValue)
        /// A shared file exists but cannot be read.
        public static let unreadableFile = Code(base: .unreadableFile)
        /// A shared file is not valid INI as botocore reads it.
        public static let malformedFile = Code(base: .malformedFile)

        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public var code: Code
    /// What is wrong and what to set, in one line.
    public var message: String
    /// The underlying error, when a file could not be read.
    public var cause: (any Error & Sendable)?
    /// Where the error was created, for bug reports.
    public var fileID: String
    /// Where the error was created, for bug reports.
    public var line: Int

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - message: What is wrong and what to set.
    ///   - cause: The underlying error, if any.
    public init(
        _ code: Code,
        _ message: String,
        cause: (any Error & Sendable)? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.fileID = fileID
        self.line = line
    }

    /// The message.
    public var description: String { message }
}
