import SandboxCrypto
import Testing

@Suite("Base64URL")
struct Base64URLTests {
    /// RFC 4648 §10's vectors, with the padding removed (RFC 7515 §2), and a few in which the URL alphabet differs.
    static let vectors: [(text: String, bytes: [UInt8])] = [
        ("", []),
        ("Zg", Array("f".utf8)),
        ("Zm8", Array("fo".utf8)),
        ("Zm9v", Array("foo".utf8)),
        ("Zm9vYg", Array("foob".utf8)),
        ("Zm9vYmE", Array("fooba".utf8)),
        ("Zm9vYmFy", Array("foobar".utf8)),
        ("-_8", [0xfb, 0xff]),  // standard "+/8="
        ("___-", [0xff, 0xff, 0xfe]),  // standard "///+"
        ("AA", [0x00]),
    ]

    @Test("encodes RFC 4648 §10's vectors in the URL alphabet without padding")
    func encode_matchesRFC4648() {
        for vector in Self.vectors {
            #expect(Base64URL.encode(vector.bytes) == vector.text)
        }
    }

    @Test("decodes RFC 4648 §10's vectors")
    func decode_matchesRFC4648() {
        for vector in Self.vectors {
            #expect(Base64URL.decode(vector.text) == vector.bytes, "\(vector.text)")
        }
    }

    @Test(
        "refuses padding, the standard alphabet, whitespace, a bad length and non-zero trailing bits",
        arguments: [
            "Zg==", "Zm8=", "Zm9v+", "Zm9v/", "+_8", "Zm 9v", "Zm9v\n", "Zm9v\r\nYg", " Zm9v", "Z", "Zm9vY", "Zh",
            "Zm9", "Zm9vYmF=", "Zm9v.", "Zm9v\u{e9}",
        ]
    )
    func decode_refusesNonCanonical(_ text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("round-trips every length up to 100 and every byte value")
    func roundTrip() {
        let bytes = (0..<356).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for length in 0...100 {
            let slice = Array(bytes[length..<(length * 2 + 156)])
            #expect(Base64URL.decode(Base64URL.encode(slice)) == slice, "length \(slice.count)")
        }
        let all = (0...255).map { UInt8($0) }
        #expect(Base64URL.decode(Base64URL.encode(all)) == all)
    }

    @Test("decodes substrings")
    func decode_substring() {
        let jws = "eyJhbGciOiJSUzI1NiJ9.x"
        #expect(Base64URL.decode(jws.split(separator: ".")[0]) == Array(#"{"alg":"RS256"}"#.utf8))
    }
}
