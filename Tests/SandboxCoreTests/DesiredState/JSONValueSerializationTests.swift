import SandboxCore
import Testing

@Suite("JSONValue written out: members in order, nulls explicit, strings escaped")
struct JSONValueSerializationTests {
    static let value = JSONValue(members: [
        ("changes", JSONValue(.integer(2))),
        ("request", JSONValue(optional: nil as String?)),
        ("items", JSONValue(elements: [JSONValue(.bool(true)), JSONValue(optional: 3)])),
        ("empty", JSONValue(elements: [])),
        ("text", JSONValue(.string("a \"q\" \\ \n\t\u{01}é"))),
    ])

    @Test("pretty-printed with two spaces by default")
    func pretty() {
        let expected = """
            {
              "changes": 2,
              "request": null,
              "items": [
                true,
                3
              ],
              "empty": [],
              "text": "a \\"q\\" \\\\ \\n\\t\\u0001é"
            }
            """
        #expect(Self.value.serialized() == expected)
    }

    @Test("on one line without an indent, and read back the same by JSONReader")
    func compactRoundTrip() throws {
        let text = Self.value.serialized(indent: nil)
        #expect(text.hasPrefix(#"{"changes":2,"request":null,"items":[true,3],"empty":[],"#))
        let read = try JSONReader.parse(Array(text.utf8))
        #expect(read.serialized() == Self.value.serialized())
    }
}
