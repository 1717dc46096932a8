public import Foundation
public import SandboxHTTP

/// Fetches credentials from the ECS / EKS Pod Identity container credentials endpoint.
///
/// `GET <url>` with `Accept: application/json` and, when configured, an `Authorization` header whose value comes
/// from a token file (read at every fetch, so rotated tokens are picked up) or a fixed token. As botocore does, each
/// fetch tries up to ``attempts`` times, ``timeout`` each, pausing ``retryDelay`` between tries, and does not retry a
/// 4xx. Wrap it in a ``CachingCredentialsProvider``.
public struct ContainerCredentialsProvider: AWSCredentialsProvider {
    /// Where the `Authorization` header comes from.
    public enum Authorization: Sendable, Hashable {
        /// No header.
        case none
        /// A fixed token (`AWS_CONTAINER_AUTHORIZATION_TOKEN`).
        case token(String)
        /// A file holding the token (`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`), read at every fetch.
        case tokenFile(String)
    }

    /// The endpoint.
    public let url: URL
    /// Where the `Authorization` header comes from.
    public let authorization: Authorization
    /// Tries per fetch (botocore: 3).
    public let attempts: Int
    /// The limit for one try (botocore: 2 s).
    public let timeout: Duration
    /// The pause between tries (botocore: 1 s).
    public let retryDelay: Duration

    private let transport: any HTTPTransport
    private let sleep: @Sendable (Duration) async -> Void

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - url: The full endpoint URL.
    ///   - authorization: Where the `Authorization` header comes from.
    ///   - transport: The HTTP transport.
    ///   - attempts: Tries per fetch; 3 by default.
    ///   - timeout: The limit for one try; 2 seconds by default.
    ///   - retryDelay: The pause between tries; 1 second by default.
    ///   - sleep: How to pause; `Task.sleep` by default.
    public init(
        url: URL,
        authorization: Authorization = .none,
        transport: any HTTPTransport,
        attempts: Int = 3,
        timeout: Duration = .seconds(2),
        retryDelay: Duration = .seconds(1),
        sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }
    ) {
        self.url = url
        self.authorization = authorization
        self.transport = transport
        self.attempts = max(1, attempts)
        self.timeout = timeout
        self.retryDelay = retryDelay
        self.sleep = sleep
    }

    /// Fetches credentials from the endpoint.
    public func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        var headers: HTTPHeaders = ["Accept": "application/json", "User-Agent": ServiceCatalogClient.userAgent]
        if let token = try authorizationToken() {
            headers["Authorization"] = token
        }
        let request = HTTPRequest(method: "GET", url: url, headers: headers, timeout: timeout)
        let source = "the container credentials endpoint \(Self.redacted(url))"
        var lastError = AWSCredentialsError(.unavailable, "\(source) was not asked")
        for attempt in 1...attempts {
            if attempt > 1 {
                await sleep(retryDelay)
            }
            let response: HTTPResponse
            do throws(HTTPTransportError) {
                response = try await transport.send(request)
            } catch {
                lastError = AWSCredentialsError(.unavailable, "\(source) could not be reached: \(error)")
                continue
            }
            if response.status == 200 {
                return try TemporaryCredentialsDocument.credentials(from: response.body, source: source)
            }
            let error = AWSCredentialsError(
                response.status >= 500 ? .unavailable : .refused,
                "\(source) answered HTTP \(response.status)"
                    + (response.status == 401 || response.status == 403
                        ? ": check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)" : "")
            )
            guard response.status >= 500 else { throw error }
            lastError = error
        }
        throw lastError
    }

    /// The header value, read from the file when there is one; refuses CR or LF, as botocore does.
    private func authorizationToken() throws(AWSCredentialsError) -> String? {
        let token: String
        switch authorization {
        case .none:
            return nil
        case .token(let value):
            token = value
        case .tokenFile(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AWSCredentialsError(
                    .refused,
                    "cannot read the container authorization token file \(path) "
                        + "(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"
                )
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard !token.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            throw AWSCredentialsError(.refused, "the container authorization token contains a line break")
        }
        return token
    }

    /// The URL without user info or query, which could carry secrets.
    static func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(invalid URL)" }
        components.user = nil
        components.password = nil
        components.query = nil
        return components.string ?? "(invalid URL)"
    }
}
