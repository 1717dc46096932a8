import Foundation
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import Testing

/// The fake GitHub's checks of an App's JSON web token, rule by rule, through plain HTTP. The clock stands
/// at 1_800_000_000 (the ``AppScene``'s `ManualClock`); the App's id is 1024001.
@Suite("the fake GitHub's JSON web token checks")
struct FakeGitHubJWTTests {
    /// One token and what GitHub makes of it.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var header = #"{"alg":"RS256","typ":"JWT"}"#
        var payload: String
        /// Signed with another key.
        var wrongSignature = false
        /// The whole token as sent, instead of one built from `header` and `payload`.
        var raw: String?
        /// GitHub's message; `nil`: accepted.
        var refusal: String?

        var testDescription: String { name }

        var token: String {
            raw ?? AppScene.jwt(header: header, payload: payload, signature: wrongSignature ? [1, 2, 3] : nil)
        }
    }

    static let undecodable = "A JSON web token could not be decoded"
    static let issuer = "'Issuer' claim ('iss') must be an Integer"
    static let issuedAt =
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
    static let expiration =
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the "
        + "assertion expires"
    static let tooFar = "'Expiration time' claim ('exp') is too far in the future"

    static let accepted: [Case] = [
        Case(
            name: "GitHub's advice: iat 60 s ago, exp 10 min ahead",
            payload: #"{"iss":1024001,"iat":1799999940,"exp":1800000600}"#
        ),
        Case(name: "iss as a string of digits", payload: #"{"iss":"1024001","iat":1800000000,"exp":1800000300}"#),
        Case(name: "iss as the client id", payload: #"{"iss":"Iv23liSandboxdTest","iat":1800000000,"exp":1800000300}"#),
        Case(name: "iat 60 s ahead", payload: #"{"iss":1024001,"iat":1800000060,"exp":1800000600}"#),
        Case(name: "exp 1 s ahead", payload: #"{"iss":1024001,"iat":1799999000,"exp":1800000001}"#),
    ]

    static let refused: [Case] = [
        Case(
            name: "alg HS256",
            header: #"{"alg":"HS256","typ":"JWT"}"#,
            payload: #"{"iss":1024001,"iat":1800000000,"exp":1800000300}"#,
            refusal: undecodable
        ),
        Case(
            name: "no alg",
            header: #"{"typ":"JWT"}"#,
            payload: #"{"iss":1024001,"iat":1800000000,"exp":1800000300}"#,
            refusal: undecodable
        ),
        Case(
            name: "a signature by another key",
            payload: #"{"iss":1024001,"iat":1800000000,"exp":1800000300}"#,
            wrongSignature: true,
            refusal: undecodable
        ),
        Case(name: "not a JWT", payload: "", raw: "ghp_notajwt", refusal: undecodable),
        Case(name: "two parts", payload: "", raw: "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9", refusal: undecodable),
        Case(name: "an empty signature", payload: "", raw: "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9.", refusal: undecodable),
        Case(name: "padding", payload: "", raw: "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9=.AAAA", refusal: undecodable),
        Case(name: "a payload that is not JSON", payload: "iss=1024001", refusal: undecodable),
        Case(name: "a payload that is a JSON array", payload: "[1024001]", refusal: undecodable),
        Case(name: "no iss", payload: #"{"iat":1800000000,"exp":1800000300}"#, refusal: issuer),
        Case(
            name: "iss with a fraction",
            payload: #"{"iss":1024001.5,"iat":1800000000,"exp":1800000300}"#,
            refusal: issuer
        ),
        Case(
            name: "another App's iss",
            payload: #"{"iss":999,"iat":1800000000,"exp":1800000300}"#,
            refusal: undecodable
        ),
        Case(
            name: "another client id",
            payload: #"{"iss":"Iv23liOther","iat":1800000000,"exp":1800000300}"#,
            refusal: undecodable
        ),
        Case(name: "no iat", payload: #"{"iss":1024001,"exp":1800000300}"#, refusal: issuedAt),
        Case(
            name: "iat as a string",
            payload: #"{"iss":1024001,"iat":"1800000000","exp":1800000300}"#,
            refusal: issuedAt
        ),
        Case(
            name: "iat with a fraction",
            payload: #"{"iss":1024001,"iat":1800000000.5,"exp":1800000300}"#,
            refusal: issuedAt
        ),
        Case(name: "iat 61 s ahead", payload: #"{"iss":1024001,"iat":1800000061,"exp":1800000300}"#, refusal: issuedAt),
        Case(name: "no exp", payload: #"{"iss":1024001,"iat":1800000000}"#, refusal: expiration),
        Case(
            name: "exp as a string",
            payload: #"{"iss":1024001,"iat":1800000000,"exp":"1800000300"}"#,
            refusal: expiration
        ),
        Case(name: "exp now", payload: #"{"iss":1024001,"iat":1799999700,"exp":1800000000}"#, refusal: expiration),
        Case(name: "exp past", payload: #"{"iss":1024001,"iat":1799999000,"exp":1799999500}"#, refusal: expiration),
        Case(name: "exp 601 s ahead", payload: #"{"iss":1024001,"iat":1800000000,"exp":1800000601}"#, refusal: tooFar),
    ]

    @Test("a JWT that keeps every rule mints an installation token", arguments: accepted)
    func accepts(_ example: Case) async throws {
        let scene = try AppScene()
        defer { scene.fake.stop() }
        let path = "/app/installations/\(scene.app.installationID)/access_tokens"
        let response = try await scene.http.send(path, method: "POST", token: example.token)
        #expect(response.status == 201, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(scene.fake.mintedTokens == 1)
        #expect(scene.fake.jwtRefusals == 0)
    }

    @Test("a JWT that breaks a rule is refused with 401 and GitHub's message", arguments: refused)
    func refuses(_ example: Case) async throws {
        let scene = try AppScene()
        defer { scene.fake.stop() }
        for path in ["/app", "/app/installations/\(scene.app.installationID)/access_tokens"] {
            let method = path == "/app" ? "GET" : "POST"
            let response = try await scene.http.send(path, method: method, token: example.token)
            #expect(response.status == 401, "\(path)")
            #expect(FakeGitHubRequests.message(response) == example.refusal, "\(path)")
        }
        #expect(scene.fake.jwtRefusals == 2)
        #expect(scene.fake.refusedForHeaders == 2)
        #expect(scene.fake.mintedTokens == 0)
    }

    @Test("the clock decides: a JWT valid now is refused once its exp has passed")
    func expires() async throws {
        let scene = try AppScene()
        defer { scene.fake.stop() }
        let jwt = scene.jwt()
        #expect(try await scene.http.send("/app", token: jwt).status == 200)
        scene.clock.advance(by: 539)
        #expect(try await scene.http.send("/app", token: jwt).status == 200)
        scene.clock.advance(by: 1)
        let late = try await scene.http.send("/app", token: jwt)
        #expect(late.status == 401)
        #expect(FakeGitHubRequests.message(late) == Self.expiration)
    }

    @Test("a JWT is refused outside the App's routes, and a token that is no JWT on them")
    func wrongPlaces() async throws {
        let scene = try AppScene()
        defer { scene.fake.stop() }
        let installationToken = try await scene.mint()
        for path in ["/user", "/repos/octo-org/sandboxes/pulls/7", "/users/alice"] {
            let response = try await scene.http.send(path, token: scene.jwt())
            #expect(response.status == 401, "\(path)")
            #expect(FakeGitHubRequests.message(response) == Self.undecodable)
        }
        for token in [scene.fake.token, installationToken] {
            for path in ["/app", "/repos/octo-org/sandboxes/installation"] {
                let response = try await scene.http.send(path, token: token)
                #expect(response.status == 401, "\(path)")
                #expect(FakeGitHubRequests.message(response) == Self.undecodable)
            }
        }
        #expect(scene.fake.jwtRefusals == 7)
    }
}
