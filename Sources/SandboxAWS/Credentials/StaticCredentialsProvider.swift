/// Returns the same credentials every time: keys from the environment or a shared file.
public struct StaticCredentialsProvider: AWSCredentialsProvider {
    private let value: AWSCredentials

    /// Creates a provider for fixed credentials.
    ///
    /// - Parameter credentials: The credentials to return.
    public init(_ credentials: AWSCredentials) {
        value = credentials
    }

    /// Returns the fixed credentials.
    public func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        value
    }
}
