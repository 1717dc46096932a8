public import Foundation

/// Why a transport got no complete response.
///
/// An HTTP error status (4xx, 5xx) is not a transport error: it arrives as an ``HTTPResponse``.
public enum HTTPTransportError: Error, Sendable, Hashable {
    /// No complete response arrived within ``HTTPRequest/timeout``.
    ///
    /// The server may still have received and acted on the request.
    case timedOut(URL)
    /// The connection could not be opened, or was refused, reset or closed before the complete
    /// response arrived (including a response cut off mid-body).
    ///
    /// The server may have received and acted on the request if the failure came after sending.
    case connectionFailed(URL, String)
    /// The URL is not an absolute `http` or `https` URL with a host.
    case invalidURL
    /// The response body grew past the transport's limit (`limit` bytes); the request was ended there,
    /// so an endless or huge answer costs no more memory than the limit.
    case responseTooLarge(URL, limit: Int)
    /// Anything else: a request the transport refuses to send, a cancelled request, or a failure
    /// the platform did not classify.
    case other(String)

    /// Whether sending the same request again may succeed: true for ``timedOut(_:)`` and
    /// ``connectionFailed(_:_:)``, false otherwise.
    ///
    /// - Important: A retryable failure may still have reached the server. Retry only requests
    ///   that are safe to repeat (reads, or writes with an idempotency token).
    public var isRetryable: Bool {
        switch self {
        case .timedOut, .connectionFailed: true
        case .invalidURL, .responseTooLarge, .other: false
        }
    }
}

extension HTTPTransportError: CustomStringConvertible {
    /// What went wrong and what to check, in one line.
    public var description: String {
        switch self {
        case .timedOut(let url):
            "HTTP request to \(Self.endpoint(url)) timed out: check that the endpoint is reachable "
                + "and not overloaded, or raise the timeout"
        case .connectionFailed(let url, let detail):
            "HTTP connection to \(Self.endpoint(url)) failed (\(detail)): check the endpoint URL, "
                + "DNS, proxy and network settings"
        case .invalidURL:
            "HTTP request URL is not an absolute http(s) URL with a host: check the configured "
                + "endpoint (region, GITHUB_API_URL)"
        case .responseTooLarge(let url, let limit):
            "HTTP response from \(Self.endpoint(url)) was larger than \(limit) bytes and was cut off there: "
                + "check that the endpoint is the API it should be"
        case .other(let detail):
            "HTTP request failed: \(detail)"
        }
    }

    /// Scheme, host and port only: paths and queries can carry names we do not want in logs.
    private static func endpoint(_ url: URL) -> String {
        guard let scheme = url.scheme, let host = url.host else { return "(no host)" }
        return url.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }
}
