import Foundation
@testable import SandboxCrypto
import Testing

@Suite("RSA key errors")
struct RSAKeyErrorTests {
    /// A bad private key file and the error it must give.
    struct BadFile: CustomTestStringConvertible, Sendable {
        var path: String
        var code: RSAKeyError.Code
        var testDescription: String { path }
    }

    static let badFiles = [
        BadFile(path: "bad/encrypted.pkcs8.pem", code: .encrypted),
        BadFile(path: "bad/encrypted.pkcs1.pem", code: .encrypted),
        BadFile(path: "bad/ec.pem", code: .notRSA),
        BadFile(path: "bad/ec.pkcs8.pem", code: .notRSA),
        BadFile(path: "bad/openssh.pem", code: .notRSA),
        BadFile(path: "bad/rsa-1024.pkcs1.pem", code: .unsupportedSize),
        BadFile(path: "bad/rsa-3prime.pkcs1.pem", code: .malformed),
        BadFile(path: "rsa-2048.spki.pem", code: .notPEM),
        BadFile(path: "messages/jwt-signing-input.txt", code: .notPEM),
    ]

    @Test("every bad key file gives its error, and the message shows none of the key", arguments: badFiles)
    func badFile_givesItsError(_ file: BadFile) {
        let pem = RSAVectors.text(file.path)
        let error = expectError(file.code, source: pem) { try RSAPrivateKey(pem: pem) }
        if file.code == .encrypted {
            #expect(error?.message.contains("openssl pkey -in KEY -out KEY.pem") == true)
        }
    }

    @Test("the multi-prime key's message says why")
    func multiPrime_saysWhy() {
        let pem = RSAVectors.text("bad/rsa-3prime.pkcs1.pem")
        let error = expectError(.malformed, source: pem) { try RSAPrivateKey(pem: pem) }
        #expect(error?.message.contains("multi-prime") == true)
    }

    @Test("truncated DER, trailing bytes and a DER that is not a key are malformed")
    func damagedDER_isMalformed() throws {
        let pem = RSAVectors.text("rsa-2048.pkcs1.pem")
        let der = try #require(Data(base64Encoded: RSAVectors.base64Body(pem))).map { $0 }
        let der8 = try #require(Data(base64Encoded: RSAVectors.base64Body(RSAVectors.text("rsa-2048.pkcs8.pem")))).map {
            $0
        }
        for damaged in [
            Array(der.dropLast(1)), Array(der.prefix(200)), der + [0x00], der8 + [0x05, 0x00], Array(der8.dropLast(7)),
            [], [0x30, 0x80, 0x00, 0x00],
        ] {
            expectError(.malformed, source: pem) { try RSAPrivateKey(der: damaged) }
        }
        // The length of the outer SEQUENCE in a non-minimal long form (82 00 xx is not DER).
        var nonMinimal = der
        nonMinimal.replaceSubrange(1..<4, with: [0x83, 0x00, der[2], der[3]])
        expectError(.malformed, source: pem) { try RSAPrivateKey(der: nonMinimal) }
        // A negative modulus: 30 82 04 a3 | 02 01 00 | 02 82 01 01 00 … with the sign byte 00 made 80.
        var negative = der
        #expect(negative[7...11] == [0x02, 0x82, 0x01, 0x01, 0x00])
        negative[11] = 0x80
        let error = expectError(.malformed, source: pem) { try RSAPrivateKey(der: negative) }
        #expect(error?.message.contains("modulus is negative") == true)
    }

    @Test("a public key PEM refuses private keys, other algorithms and junk")
    func publicKeyPEM_errors() {
        let privatePEM = RSAVectors.text("rsa-2048.pkcs1.pem")
        let error = expectError(.notPEM, source: privatePEM) { try RSAPublicKey(pem: privatePEM) }
        #expect(error?.message.contains("-pubout") == true)
        let ec = RSAVectors.text("bad/ec.spki.pem")
        expectError(.notRSA, source: ec) { try RSAPublicKey(pem: ec) }
        expectError(.notPEM, source: "") { try RSAPublicKey(pem: "ssh-rsa AAAAB3NzaC1yc2E test") }
        let spki = RSAVectors.text("rsa-2048.spki.pem")
        expectError(.malformed, source: spki) {
            try RSAPublicKey(pem: spki.replacingOccurrences(of: "\nMII", with: "\nMIJ"))
        }
    }

    @Test("both DER forms read without PEM")
    func der_bothForms() throws {
        for form in ["pkcs1", "pkcs8"] {
            let pem = RSAVectors.text("rsa-2048.\(form).pem")
            let der = try #require(Data(base64Encoded: RSAVectors.base64Body(pem))).map { $0 }
            let key = try RSAPrivateKey(der: der)
            #expect(key.publicKey == RSAVectors.privateKeys[2048]?.publicKey)
        }
    }

    @Test("a PEM with damaged base64 or a missing END line is malformed")
    func damagedPEM_isMalformed() {
        let pem = RSAVectors.text("rsa-2048.pkcs1.pem")
        var lines = pem.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let changed = lines[3].prefix(10) + "*" + lines[3].dropFirst(11)
        let lost = String(lines[3].dropLast())
        for (index, line) in [(3, String(changed)), (3, lost), (2, lines[2] + "AAAA")] {
            var damaged = lines
            damaged[index] = line
            expectError(.malformed, source: pem) { try RSAPrivateKey(pem: damaged.joined(separator: "\n")) }
        }
        lines.removeLast(3)
        expectError(.malformed, source: pem) { try RSAPrivateKey(pem: lines.joined(separator: "\n")) }
    }

    @Test("CRLF, indentation and text around the block are fine")
    func tolerantArmor_reads() throws {
        let pem = RSAVectors.text("rsa-2048.pkcs8.pem")
        let crlf = pem.split(separator: "\n").map { "  \($0)\t" }.joined(separator: "\r\n")
        let surrounded =
            "Bag Attributes\n    localKeyID: 01 00 00 00\nsubject=CN = test\n" + crlf + "\r\ntrailing notes\n"
        #expect(try RSAPrivateKey(pem: surrounded).publicKey == RSAVectors.privateKeys[2048]?.publicKey)
    }

    @Test("a PEM whose line breaks were lost says so")
    func lostLineBreaks_notPEM() {
        let pem = RSAVectors.text("rsa-2048.pkcs1.pem")
        let error = expectError(.notPEM, source: pem) {
            try RSAPrivateKey(pem: pem.replacingOccurrences(of: "\n", with: " "))
        }
        #expect(error?.message.contains("line breaks") == true)
    }

    @Test("key sizes outside 2048…16384 bits are unsupported")
    func sizes_outsideRange() {
        let tooSmall = [0x7f] + [UInt8](repeating: 0xff, count: 255)  // 2047 bits
        let tooLarge = [0x01] + [UInt8](repeating: 0xff, count: 2048)  // 16385 bits
        for modulus in [tooSmall, tooLarge, []] {
            expectError(.unsupportedSize, source: "") {
                try RSAPublicKey(modulus: modulus, exponent: [0x01, 0x00, 0x01])
            }
        }
        #expect(throws: Never.self) {
            try RSAPublicKey(modulus: [0x80] + [UInt8](repeating: 0xff, count: 255), exponent: [3])
        }
    }

    @Test("bad public exponents are inconsistent, an even modulus malformed")
    func badPublicNumbers() {
        let modulus = Base64URL.decode(RFC7515.n)!
        for exponent: [UInt8] in [[0x01, 0x00, 0x00], [0x01], [], [0x00, 0x00], modulus] {
            expectError(.inconsistent, source: "") { try RSAPublicKey(modulus: modulus, exponent: exponent) }
        }
        var even = modulus
        even[even.count - 1] &-= 1
        expectError(.malformed, source: "") { try RSAPublicKey(modulus: even, exponent: [0x01, 0x00, 0x01]) }
    }

    @Test("numbers that do not belong together are inconsistent")
    func wrongNumbers_inconsistent() {
        var wrongExponent = RFC7515.components
        wrongExponent.exponent1[10] ^= 0x04
        var wrongCoefficient = RFC7515.components
        wrongCoefficient.coefficient[0] ^= 0x01
        var wrongModulus = RFC7515.components
        wrongModulus.modulus[100] ^= 0x10
        var swappedCRT = RFC7515.components
        swap(&swappedCRT.exponent1, &swappedCRT.exponent2)
        var evenPrime = RFC7515.components
        evenPrime.prime1[evenPrime.prime1.count - 1] ^= 0x01
        for components in [wrongExponent, wrongCoefficient, wrongModulus, swappedCRT, evenPrime] {
            expectError(.inconsistent, source: RFC7515.p + RFC7515.q + RFC7515.dp) {
                try RSAPrivateKey(components: components)
            }
        }
    }

    @Test("a signature that does not verify is withheld as a signing fault (the Bellcore guard)")
    func faultySignature_isWithheld() throws {
        var wrongExponent = RFC7515.components
        wrongExponent.exponent2[5] ^= 0x80
        let faulty = try RSAPrivateKey(uncheckedCRT: wrongExponent)
        let error = expectError(.signingFault, source: RFC7515.dq) { _ = try faulty.signatureSHA256(for: [1, 2, 3]) }
        #expect(error?.message.contains("withheld") == true)
    }

    @Test("descriptions, the mirror and dump show no key material")
    func key_printsNoMaterial() throws {
        let key = try #require(RSAVectors.privateKeys[2048])
        #expect(key.description == "RSAPrivateKey(<redacted>, 2048 bits)")
        #expect(key.debugDescription == key.description)
        #expect("\(key)" == key.description)
        #expect(String(reflecting: key) == key.description)
        #expect(Mirror(reflecting: key).children.isEmpty)
        var dumped = ""
        dump(key, to: &dumped)
        var dumpedInArray = ""
        dump([key], to: &dumpedInArray)
        let pem = RSAVectors.text("rsa-2048.pkcs1.pem")
        for text in [dumped, dumpedInArray, "\([key])", String(describing: Optional(key))] {
            #expect(text.contains("<redacted>"), "\(text)")
            #expect(text.count < 120, "\(text)")
            expectNoKeyMaterial(text, source: pem)
        }
    }

    /// Expects `body` to throw an `RSAKeyError` with `code` whose message shows none of `source`, and returns it.
    @discardableResult
    private func expectError<Result>(
        _ code: RSAKeyError.Code,
        source: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Result
    ) -> RSAKeyError? {
        do {
            _ = try body()
            Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
            return nil
        } catch let error as RSAKeyError {
            #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
            #expect(error.description == error.message, sourceLocation: sourceLocation)
            expectNoKeyMaterial(error.message, source: source, sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected RSAKeyError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Expects `text` to contain no 12 characters of `source`'s base64, and no long run of hex or decimal digits.
    private func expectNoKeyMaterial(_ text: String, source: String, sourceLocation: SourceLocation = #_sourceLocation)
    {
        let body = Array(RSAVectors.base64Body(source).isEmpty ? source : RSAVectors.base64Body(source))
        var leaked: [String] = []
        if body.count >= 12 {
            for start in 0...(body.count - 12) where text.contains(String(body[start..<(start + 12)])) {
                leaked.append(String(body[start..<(start + 12)]))
            }
        }
        #expect(leaked.isEmpty, "\(text) shows \(leaked.prefix(3))", sourceLocation: sourceLocation)
        #expect(text.firstMatch(of: /[0-9a-fA-F]{10,}/) == nil, "\(text)", sourceLocation: sourceLocation)
        #expect(text.firstMatch(of: /[0-9]{10,}/) == nil, "\(text)", sourceLocation: sourceLocation)
    }
}
