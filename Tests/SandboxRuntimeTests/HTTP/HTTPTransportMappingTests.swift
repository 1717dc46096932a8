import Foundation
import Testing

@testable import SandboxHTTP

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How `URLSessionTransport` turns what the platform reports into results, without a network.
@Suite("HTTP transport error mapping")
struct HTTPTransportMappingTests {
    static let url = URL(string: "https://servicecatalog.us-east-1.amazonaws.com/")!

    @Test(
        "URLError codes map to transport errors",
        arguments: [
            (URLError.Code.timedOut, "timedOut"),
            (.cannotConnectToHost, "connectionFailed"),
            (.networkConnectionLost, "connectionFailed"),
            (.badServerResponse, "connectionFailed"),
            (.cannotFindHost, "connectionFailed"),
            (.unknown, "connectionFailed"),
            (.badURL, "invalidURL"),
            (.unsupportedURL, "invalidURL"),
            (.cancelled, "other"),
            (.serverCertificateUntrusted, "other"),
        ]
    )
    func urlErrorMapping(code: URLError.Code, expected: String) {
        let error = URLSessionTransport.transportError(for: URLError(code), url: Self.url)
        let kind =
            switch error {
            case .timedOut: "timedOut"
            case .connectionFailed: "connectionFailed"
            case .invalidURL: "invalidURL"
            case .responseTooLarge: "responseTooLarge"
            case .other: "other"
            }
        #expect(kind == expected)
        #expect(error.isRetryable == (expected == "timedOut" || expected == "connectionFailed"))
    }

    @Test("a body shorter than its Content-Length is a connection failure, never a success")
    func shortBodyIsAnError() throws {
        let request = HTTPRequest(url: Self.url)
        let response = try #require(
            HTTPURLResponse(
                url: Self.url,
                statusCode: 200,
                httpVersion: "HTTP/1.1",
                headerFields: ["Content-Length": "10"]
            )
        )

        let short = URLSessionTransport.result(
            for: request,
            data: Data("12345".utf8),
            response: response,
            error: nil,
            ending: nil
        )
        let full = URLSessionTransport.result(
            for: request,
            data: Data("1234567890".utf8),
            response: response,
            error: nil,
            ending: nil
        )

        guard case .failure(.connectionFailed(_, let detail)) = short else {
            Issue.record("expected connectionFailed, got \(short)")
            return
        }
        #expect(detail.contains("5 bytes short"))
        #expect((try? full.get())?.body == Data("1234567890".utf8))
    }

    @Test("our deadline and the caller's cancellation win over what the platform reports")
    func endingsWin() throws {
        let request = HTTPRequest(url: Self.url)
        let cancelled = URLError(.cancelled)

        let timedOut = URLSessionTransport.result(
            for: request,
            data: nil,
            response: nil,
            error: cancelled,
            ending: .timeout
        )
        let byCaller = URLSessionTransport.result(
            for: request,
            data: nil,
            response: nil,
            error: cancelled,
            ending: .caller
        )

        #expect(timedOut == .failure(.timedOut(Self.url)))
        #expect(byCaller == .failure(.other("the request was cancelled")))
    }

    @Test("messages say what to check and keep paths out")
    func messages() {
        let url = URL(string: "https://api.github.com/orgs/acme/members/alice?token=x")!
        let message = HTTPTransportError.connectionFailed(url, "connection refused").description
        #expect(message.contains("https://api.github.com"))
        #expect(message.contains("check"))
        #expect(!message.contains("alice"))
        #expect(!message.contains("token"))
    }
}
