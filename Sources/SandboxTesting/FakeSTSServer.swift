public import Foundation
import SandboxHTTP
import SandboxLocking

/// A fake AWS Security Token Service on ``LoopbackHTTPServer``, answering in STS's XML.
///
/// - `AssumeRole` must be SigV4-signed (service `sts`) by one of ``Configuration/callers``; the signature is
///   recomputed as AWS would (``SigV4Verifier``).
/// - `AssumeRoleWithWebIdentity` is unsigned; its `WebIdentityToken` must equal ``Configuration/webIdentityToken``.
///
/// Both check `POST /`, the form content type, `Version=2011-06-15` and the required parameters, and issue fresh
/// temporary credentials (`ASIA…`, with a session token and an `Expiration`), which are handed to
/// ``Configuration/onIssue`` so a fake service can accept them. Errors come back as
/// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
public final class FakeSTSServer: Sendable {
    /// How the fake behaves.
    public struct Configuration: Sendable {
        /// The signing region.
        public var region: String
        /// Who may call `AssumeRole`.
        public var callers: [SigV4Verifier.Credentials]
        /// The only web identity token accepted.
        public var webIdentityToken: String
        /// How long issued credentials last.
        public var lifetime: TimeInterval
        /// The service's clock.
        public var now: @Sendable () -> Date
        /// Called with every set of credentials issued.
        public var onIssue: @Sendable (SigV4Verifier.Credentials) -> Void

        /// Creates a configuration.
        public init(
            region: String = "us-east-1",
            callers: [SigV4Verifier.Credentials] = [],
            webIdentityToken: String = "eyJhbGciOiJSUzI1NiJ9.fake.token",
            lifetime: TimeInterval = 3600,
            now: @escaping @Sendable () -> Date = { Date() },
            onIssue: @escaping @Sendable (SigV4Verifier.Credentials) -> Void = { _ in }
        ) {
            self.region = region
            self.callers = callers
            self.webIdentityToken = webIdentityToken
            self.lifetime = lifetime
            self.now = now
            self.onIssue = onIssue
        }
    }

    fileprivate struct State {
        var issued: [SigV4Verifier.Credentials] = []
        var violations: [String] = []
        var throttleNext = 0
        var parameters: [[String: String]] = []
    }

    private let engine: Engine
    private let server: LoopbackHTTPServer

    /// Starts the fake on 127.0.0.1.
    public init(_ configuration: Configuration) throws {
        let engine = Engine(configuration: configuration)
        self.engine = engine
        server = try LoopbackHTTPServer { request in engine.reply(to: request) }
    }

    /// The endpoint URL.
    public var endpoint: URL { server.baseURL }

    /// Every set of credentials issued, in order.
    public var issued: [SigV4Verifier.Credentials] { engine.state.withLock { $0.issued } }

    /// Requests refused for breaking the protocol or the signature.
    public var violations: [String] { engine.state.withLock { $0.violations } }

    /// The decoded form parameters of every request, in order.
    public var parameters: [[String: String]] { engine.state.withLock { $0.parameters } }

    /// Every request received.
    public var requests: [RecordedRequest] { server.requests }

    /// Answers the next `count` requests with `Throttling`.
    public func throttleNext(_ count: Int) {
        engine.state.withLock { $0.throttleNext = count }
    }

    /// Stops the server.
    public func stop() {
        server.stop()
    }
}

extension FakeSTSServer {
    fileprivate final class Engine: Sendable {
        let configuration: Configuration
        let state = Locked(State())
        let verifier: SigV4Verifier

        init(configuration: Configuration) {
            self.configuration = configuration
            verifier = SigV4Verifier(
                service: "sts",
                region: configuration.region,
                requiredSignedHeaders: ["content-type"]
            )
        }

        func reply(to request: RecordedRequest) -> ServerReply {
            guard request.method == "POST", request.path == "/" else {
                return refuse("\(request.method) \(request.path)", 404, "InvalidAction", "STS takes POST /")
            }
            guard request.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8" else {
                return refuse(
                    "Content-Type \(request.headers["Content-Type"] ?? "(none)")",
                    400,
                    "InvalidParameterValue",
                    "unexpected Content-Type"
                )
            }
            let parameters = Self.decodeForm(String(decoding: request.body, as: UTF8.self))
            let throttled = state.withLock { state -> Bool in
                state.parameters.append(parameters)
                guard state.throttleNext > 0 else { return false }
                state.throttleNext -= 1
                return true
            }
            if throttled {
                return Self.error(400, "Throttling", "Rate exceeded")
            }
            guard parameters["Version"] == "2011-06-15" else {
                return refuse(
                    "Version \(parameters["Version"] ?? "(none)")",
                    400,
                    "InvalidParameterValue",
                    "bad Version"
                )
            }
            let action = parameters["Action"] ?? ""
            for required in ["RoleArn", "RoleSessionName"] where parameters[required] == nil {
                return refuse("\(action) without \(required)", 400, "MissingParameter", "\(required) is required")
            }
            switch action {
            case "AssumeRole":
                do throws(SigV4Verifier.Failure) {
                    _ = try verifier.verify(
                        method: request.method,
                        target: request.path,
                        headers: request.headers,
                        body: request.body,
                        accepted: configuration.callers,
                        now: configuration.now()
                    )
                } catch {
                    return refuse(
                        "AssumeRole signature: \(error.code): \(error.message)",
                        403,
                        "SignatureDoesNotMatch",
                        error.message
                    )
                }
            case "AssumeRoleWithWebIdentity":
                if request.headers.contains("Authorization") {
                    return refuse(
                        "AssumeRoleWithWebIdentity was signed",
                        400,
                        "InvalidParameterValue",
                        "must be unsigned"
                    )
                }
                guard parameters["WebIdentityToken"] == configuration.webIdentityToken else {
                    return Self.error(
                        400,
                        "InvalidIdentityToken",
                        "Couldn't retrieve verification key from your identity provider"
                    )
                }
            default:
                return refuse("unknown Action \(action)", 400, "InvalidAction", "Could not find operation \(action)")
            }
            let serial = state.withLock { $0.issued.count + 1 }
            let issued = SigV4Verifier.Credentials(
                accessKeyId: "ASIAFAKESTS\(String(format: "%09d", serial))",
                secretAccessKey: "sts/secret+\(serial)&key=\(UUID().uuidString)",
                sessionToken: "FwoGZXIvYXdzEFake//token+\(serial)/\(UUID().uuidString)="
            )
            state.withLock { $0.issued.append(issued) }
            configuration.onIssue(issued)
            let expiration = Self.iso8601(configuration.now().addingTimeInterval(configuration.lifetime))
            let roleArn = parameters["RoleArn"] ?? ""
            let session = parameters["RoleSessionName"] ?? ""
            let extra =
                action == "AssumeRole"
                ? "<AssumedRoleUser><AssumedRoleId>AROAFAKE:\(Self.escape(session))</AssumedRoleId>"
                    + "<Arn>\(Self.escape(roleArn))/\(Self.escape(session))</Arn></AssumedRoleUser>"
                    + "<PackedPolicySize>6</PackedPolicySize>"
                : "<SubjectFromWebIdentityToken>system:serviceaccount:sandboxd</SubjectFromWebIdentityToken>"
                    + "<Audience>sts.amazonaws.com</Audience><Provider>oidc.example.com</Provider>"
            let xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <\(action)Result>
                    \(extra)
                    <Credentials>
                      <AccessKeyId>\(issued.accessKeyId)</AccessKeyId>
                      <SecretAccessKey>\(Self.escape(issued.secretAccessKey))</SecretAccessKey>
                      <SessionToken>\(Self.escape(issued.sessionToken ?? ""))</SessionToken>
                      <Expiration>\(expiration)</Expiration>
                    </Credentials>
                  </\(action)Result>
                  <ResponseMetadata><RequestId>\(UUID().uuidString.lowercased())</RequestId></ResponseMetadata>
                </\(action)Response>
                """
            return .response(status: 200, headers: ["Content-Type": "text/xml"], body: Data(xml.utf8))
        }

        private func refuse(_ violation: String, _ status: Int, _ code: String, _ message: String) -> ServerReply {
            state.withLock { $0.violations.append(violation) }
            return Self.error(status, code, message)
        }

        static func error(_ status: Int, _ code: String, _ message: String) -> ServerReply {
            let xml = """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error>
                    <Type>Sender</Type>
                    <Code>\(code)</Code>
                    <Message>\(escape(message))</Message>
                  </Error>
                  <RequestId>\(UUID().uuidString.lowercased())</RequestId>
                </ErrorResponse>
                """
            return .response(status: status, headers: ["Content-Type": "text/xml"], body: Data(xml.utf8))
        }

        static func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }

        static func decodeForm(_ text: String) -> [String: String] {
            var result: [String: String] = [:]
            for pair in text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func decode(_ part: Substring) -> String {
                    String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
                }
                result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
            }
            return result
        }

        static func iso8601(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
            return formatter.string(from: date)
        }
    }
}
