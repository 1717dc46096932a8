import SandboxAWS

/// A resolver over an in-memory home directory: `HOME=/home/test`, files at the default paths.
func makeResolver(
    _ environment: [String: String] = [:],
    config: String? = nil,
    credentials: String? = nil,
    otherFiles: [String: String] = [:]
) -> AWSConfigurationResolver {
    var files = otherFiles
    files["/home/test/.aws/config"] = config
    files["/home/test/.aws/credentials"] = credentials
    var environment = environment
    environment["HOME"] = environment["HOME"] ?? "/home/test"
    return AWSConfigurationResolver(environment: environment, fileReader: .inMemory(files))
}

/// Runs `body` and returns the configuration error it threw, if any.
func configurationError<T>(_ body: () throws -> T) -> AWSConfigurationError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? AWSConfigurationError
    }
}
