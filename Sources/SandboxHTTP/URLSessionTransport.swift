import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An ``HTTPTransport`` over `URLSession` (libcurl on Linux), set up for API clients.
///
/// The session is ephemeral, with no URL cache, no cookies and no credential storage, so every
/// request reaches the server and every response (including 304) reaches the caller. Redirects are
/// never followed: a session-level delegate declines them, so a 302 and its `Location` come back as
/// the response (on Linux a task-level delegate is not asked about redirects). On Linux the body of
/// a declined redirect is dropped: a 3xx arrives with its headers and an empty body.
///
/// Headers: the caller's fields are sent as given (repeated names are joined with `, `).
/// The platform adds only what the caller did not set: `Host`, `Content-Length`, `Accept: */*`,
/// `Accept-Encoding` (responses are decompressed transparently), `Connection: keep-alive`,
/// `User-Agent` and `Accept-Language`. Set `User-Agent` and `Accept` yourself to control them.
/// `Expect: 100-continue` is never sent: swift-corelibs-foundation removes it for bodies held in
/// memory. A `POST` with a body and no `Content-Type` would get
/// `application/x-www-form-urlencoded` from the platform, so always set `Content-Type`.
///
/// Timeouts: ``HTTPRequest/timeout`` bounds the whole exchange and is enforced here, because
/// swift-corelibs-foundation truncates `URLRequest.timeoutInterval` to whole seconds (0.5 s
/// becomes an immediate timeout) and measures it as idle time between reads, not in total.
///
/// - Important: When a kept-alive connection is closed after the server read a request but before
///   it answered, libcurl retries on a new connection by itself. A request without a body is then
///   sent twice; a request with a body cannot be replayed (Foundation cannot rewind it), so libcurl
///   stalls and the request ends as ``HTTPTransportError/timedOut(_:)`` when its timeout passes.
///   Keep timeouts short, and make writes idempotent (AWS provision tokens, comment markers).
///
/// Create one transport and share it: it keeps connections alive between requests. A transport
/// invalidates its session when it is released.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let delegate: TransportDelegate
    /// The largest response body accepted, in bytes; a larger (or endless) one ends the request with
    /// ``HTTPTransportError/responseTooLarge(_:limit:)`` as soon as it passes the limit. Each chunk is
    /// counted as it is read, so a request holds at most the limit and a few chunks in memory.
    public let maximumResponseBytes: Int

    /// The default limit on a response body: 8 MiB, far above any answer sandboxd reads.
    public static let defaultMaximumResponseBytes = 8 << 20

    /// Creates a transport with its own ephemeral session.
    ///
    /// - Parameter maximumResponseBytes: The largest response body accepted.
    public init(maximumResponseBytes: Int = URLSessionTransport.defaultMaximumResponseBytes) {
        self.maximumResponseBytes = maximumResponseBytes
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCredentialStorage = nil
        // A backstop only: each request carries its own limit (see `urlRequest(for:)`).
        configuration.timeoutIntervalForRequest = 300
        delegate = TransportDelegate()
        // Callbacks run inline, so a body is counted as libcurl reads it (see InlineDelegateQueue).
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: InlineDelegateQueue())
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// Sends `request` and waits for the complete response.
    ///
    /// Cancelling the calling task cancels the request, which then fails with
    /// ``HTTPTransportError/other(_:)``.
    /// - Parameter request: The request to send.
    /// - Returns: The response, for any status code, including 3xx and 304.
    /// - Throws: ``HTTPTransportError``.
    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        let urlRequest = try Self.urlRequest(for: request)
        let exchange = Exchange(request: request, maximumBodyBytes: maximumResponseBytes)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<HTTPResponse, HTTPTransportError>, Never>) in
                exchange.await(continuation)
                let task = session.dataTask(with: urlRequest)
                delegate.register(exchange, for: task)
                exchange.start(task, timeout: request.timeout)
            }
        } onCancel: {
            exchange.cancel(because: .caller)
        }
        return try result.get()
    }
}

extension URLSessionTransport {
    /// Builds the `URLRequest`, refusing what the platform would mangle or reject.
    static func urlRequest(for request: HTTPRequest) throws(HTTPTransportError) -> URLRequest {
        let url = request.url
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw .invalidURL
        }
        guard request.timeout > .zero else {
            throw .other("the request timeout must be positive, got \(request.timeout)")
        }
        guard !request.method.isEmpty, request.method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .other("the request method \"\(request.method)\" is not an HTTP token")
        }
        if request.method == "GET" && !request.body.isEmpty {
            // swift-corelibs-foundation fails such a request; say why instead.
            throw .other("a GET request cannot carry a body on this platform; use POST")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        urlRequest.cachePolicy = .reloadIgnoringLocalCacheData
        urlRequest.httpShouldHandleCookies = false
        // Foundation's own timer is whole seconds of idle time; ours (in `Exchange`) is exact and
        // fires first. Keep Foundation's a second or more later as a backstop.
        urlRequest.timeoutInterval = (request.timeout.seconds + 1).rounded(.up)
        for field in request.headers {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .other("the header name \"\(field.name)\" is not an HTTP token")
            }
            guard !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw .other("the value of header \(field.name) contains CR, LF or NUL")
            }
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name)
        }
        if !request.body.isEmpty {
            urlRequest.httpBody = request.body
        }
        return urlRequest
    }

    /// Turns what the data task reported into the caller's result.
    static func result(
        for request: HTTPRequest,
        data: Data?,
        response: URLResponse?,
        error: (any Error)?,
        ending: Exchange.Ending?,
        limit: Int = URLSessionTransport.defaultMaximumResponseBytes
    ) -> Result<HTTPResponse, HTTPTransportError> {
        switch ending {
        case .timeout?:
            return .failure(.timedOut(request.url))
        case .caller?:
            return .failure(.other("the request was cancelled"))
        case .tooLarge?:
            return .failure(.responseTooLarge(request.url, limit: limit))
        case nil:
            break
        }
        if let error {
            return .failure(transportError(for: error, url: request.url))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(.other("the platform returned a response that is not HTTP"))
        }
        var headers = HTTPHeaders()
        for (name, value) in http.allHeaderFields {
            headers.add(name: "\(name)", value: "\(value)")
        }
        let body = data ?? Data()
        if let missing = missingBodyBytes(method: request.method, status: http.statusCode, headers: headers, body: body)
        {
            return .failure(
                .connectionFailed(request.url, "the response body ended \(missing) bytes short of its Content-Length")
            )
        }
        return .success(HTTPResponse(status: http.statusCode, headers: headers, body: body))
    }

    /// How many body bytes are missing, if the response announced more than it delivered.
    ///
    /// libcurl reports a response cut off mid-body as an error; this check makes sure a truncated
    /// body can never pass as a success even if a platform version lets it through. It skips 3xx:
    /// swift-corelibs-foundation drops the body of a redirect it was told not to follow.
    static func missingBodyBytes(method: String, status: Int, headers: HTTPHeaders, body: Data) -> Int? {
        guard method != "HEAD", (200...299).contains(status) || status >= 400, status != 204,
            let declared = headers["Content-Length"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
            headers["Content-Encoding"].map({ $0.lowercased() == "identity" }) ?? true,
            declared > body.count
        else { return nil }
        return declared - body.count
    }

    /// Maps a `URLError` (or anything else the platform throws) to a transport error.
    static func transportError(for error: any Error, url: URL) -> HTTPTransportError {
        guard let urlError = error as? URLError else {
            return .other("the platform reported \(error)")
        }
        switch urlError.code {
        case .timedOut:
            return .timedOut(url)
        case .badURL, .unsupportedURL:
            return .invalidURL
        case .cannotConnectToHost:
            return .connectionFailed(url, "connection refused")
        case .cannotFindHost, .dnsLookupFailed:
            return .connectionFailed(url, "host name not found")
        case .networkConnectionLost:
            return .connectionFailed(url, "connection lost")
        case .notConnectedToInternet:
            return .connectionFailed(url, "no network")
        case .badServerResponse:
            // libcurl's "empty reply from server": the connection closed before any response.
            return .connectionFailed(url, "connection closed without a response")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return .other("TLS handshake failed (URLError \(urlError.code.rawValue)): check the endpoint's certificate")
        case .unknown:
            // swift-corelibs-foundation maps most libcurl transfer errors here, notably a body cut
            // off before its Content-Length (CURLE_PARTIAL_FILE) and receive errors.
            return .connectionFailed(url, "transfer failed (URLError -1, e.g. the response was cut off)")
        case .cancelled:
            return .other("the request was cancelled")
        default:
            return .other("URLError \(urlError.code.rawValue)")
        }
    }

    /// RFC 9110 `tchar`: the bytes allowed in a method or field name.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    fileprivate var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
