import Foundation
import SandboxHTTP

/// Fetches credentials from the ECS / EKS Pod Identity container credentials endpoint.
///
/// `GET <url>` with `Accept: application/json` and, when configured, an `Authorization` header whose value comes
/// from a token file (read at every fetch, so rotated tokens are picked up) or a fixed token. As botocore does, each
/// fetch makes up to ``attempts`` tries of ``timeout``, ``retryDelay`` apart, and does not retry a 4xx.
struct ContainerCredentialsProvider: AWSCredentialsProvider {
    /// Printed, it names the kind and the file, never the token.
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

    func credentials() async throws(AWSConfigurationError) -> AWSCredentials {
        var headers: HTTPHeaders = ["Accept": "application/json", "User-Agent": ServiceCatalogClient.userAgent]
        if let token = try authorizationToken() { headers["Authorization"] = token }
        let request = HTTPRequest(method: "GET", url: url, headers: headers, timeout: timeout)
        let source = "the container credentials endpoint \(Self.redacted(url))"
        let response: HTTPResponse
        do throws(HTTPTransportError) {
            let pause = { await sleep(retryDelay) }
            response = try await transport.send(
                request,
                attempts: attempts,
                pause: pause,
                retryable: { $0.status >= 500 }
            )
        } catch {
            throw .unavailable("\(source) could not be reached: \(error)")
        }
        guard response.status == 200 else {
            let advice = [401, 403].contains(response.status) ? ": check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)" : ""
            throw AWSConfigurationError(
                response.status >= 500 ? .credentialsUnavailable : .credentialsRefused,
                "\(source) answered HTTP \(response.status)\(advice)"
            )
        }
        return try TemporaryCredentialsDocument.credentials(from: response.body, source: source)
    }

    /// Refuses CR or LF, as botocore does.
    private func authorizationToken() throws(AWSConfigurationError) -> String? {
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

    /// Without user info or query, which could carry secrets.
    static func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(invalid URL)" }
        (components.user, components.password, components.query) = (nil, nil, nil)
        return components.string ?? "(invalid URL)"
    }
}

extension HTTPTransport {
    /// Up to `attempts` tries, `pause` between them, while no answer comes or it is `retryable` (botocore's metadata
    /// fetchers): the last answer, or the last failure.
    func send(
        _ request: HTTPRequest,
        attempts: Int,
        pause: () async -> Void = {},
        retryable: (HTTPResponse) -> Bool
    )
        async throws(HTTPTransportError) -> HTTPResponse
    {
        var attempt = 1
        while true {
            do throws(HTTPTransportError) {
                let response = try await send(request)
                if attempt >= attempts || !retryable(response) { return response }
            } catch  where attempt < attempts {}
            attempt += 1
            await pause()
        }
    }
}
