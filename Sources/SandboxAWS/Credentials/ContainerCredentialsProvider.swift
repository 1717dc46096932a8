import Foundation
import SandboxHTTP

/// Fetches credentials from the ECS / EKS Pod Identity container credentials endpoint.
///
/// `GET <url>` with `Accept: application/json` and, when configured, an `Authorization` header whose value comes
/// from a token file (read at every fetch, so rotated tokens are picked up) or a fixed token. As botocore does, each
/// fetch makes up to ``attempts`` tries of ``timeout``, ``retryDelay`` apart, and does not retry a 4xx.
struct ContainerCredentialsProvider: AWSCredentialsProvider {
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`, or `…_TOKEN_FILE`. Printed, it names the kind and the file, never the token.
    enum Authorization: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        case none
        case token(String)
        case tokenFile(String)

        var description: String {
            switch self {
            case .none: "none"
            case .token: "token from AWS_CONTAINER_AUTHORIZATION_TOKEN"
            case .tokenFile(let path): "token from file \(path)"
            }
        }

        var debugDescription: String { description }
        var customMirror: Mirror { Mirror(self, children: ["kind": description]) }
    }

    var url: URL
    var authorization = Authorization.none
    var transport: any HTTPTransport
    var attempts = 3
    var timeout = Duration.seconds(2)
    var retryDelay = Duration.seconds(1)
    var sleep: @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }

    func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        var headers: HTTPHeaders = ["Accept": "application/json", "User-Agent": ServiceCatalogClient.userAgent]
        if let token = try authorizationToken() { headers["Authorization"] = token }
        let request = HTTPRequest(method: "GET", url: url, headers: headers, timeout: timeout)
        let source = "the container credentials endpoint \(Self.redacted(url))"
        var lastError = AWSCredentialsError.unavailable("\(source) was not asked")
        for attempt in 1...max(1, attempts) {
            if attempt > 1 { await sleep(retryDelay) }
            let response: HTTPResponse
            do throws(HTTPTransportError) {
                response = try await transport.send(request)
            } catch {
                lastError = .unavailable("\(source) could not be reached: \(error)")
                continue
            }
            if response.status == 200 {
                return try TemporaryCredentialsDocument.credentials(from: response.body, source: source)
            }
            let advice = [401, 403].contains(response.status) ? ": check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)" : ""
            lastError = AWSCredentialsError(
                response.status >= 500 ? .unavailable : .refused,
                "\(source) answered HTTP \(response.status)\(advice)"
            )
            guard response.status >= 500 else { throw lastError }
        }
        throw lastError
    }

    /// Refuses CR or LF, as botocore does.
    private func authorizationToken() throws(AWSCredentialsError) -> String? {
        let token: String
        switch authorization {
        case .none:
            return nil
        case .token(let value):
            token = value
        case .tokenFile(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .refused("cannot read the container authorization token file \(path)")
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard !token.contains(where: \.isNewline) else {
            throw .refused("the container authorization token contains a line break")
        }
        return token
    }

    /// The URL without user info or query, which could carry secrets.
    static func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(invalid URL)" }
        (components.user, components.password, components.query) = (nil, nil, nil)
        return components.string ?? "(invalid URL)"
    }
}
