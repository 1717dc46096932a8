import SandboxCore
import Testing

@Suite("JSONReader")
struct JSONReaderTests {
    private func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try JSONReader.parse(Array(text.utf8))
    }

    private func error(_ text: String) -> JSONSyntaxError? {
        error(bytes: Array(text.utf8))
    }

    private func error(bytes: [UInt8]) -> JSONSyntaxError? {
        do {
            _ = try JSONReader.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("every value carries the line and column where it starts")
    func valuesCarryPositions() throws {
        let value = try parse("{\n  \"a\": [1,\n    true],\r\n\t\"b\": null,\r\"c\": \"x\"\n}")
        #expect(value.position == SourcePosition(line: 1, column: 1))
        let members = try #require(value.members)
        #expect(members.map(\.key) == ["a", "b", "c"])
        #expect(members[0].keyPosition == SourcePosition(line: 2, column: 3))
        #expect(members[0].value.position == SourcePosition(line: 2, column: 8))
        let elements = try #require(members[0].value.elements)
        #expect(elements[0].position == SourcePosition(line: 2, column: 9))
        #expect(elements[1].position == SourcePosition(line: 3, column: 5))
        // CR LF is one line break; a tab is one column.
        #expect(members[1].keyPosition == SourcePosition(line: 4, column: 2))
        #expect(members[1].value.position == SourcePosition(line: 4, column: 7))
        // A lone CR ends a line too.
        #expect(members[2].keyPosition == SourcePosition(line: 5, column: 1))
    }

    @Test("columns count Unicode scalars, not bytes")
    func columnsCountScalars() throws {
        let value = try parse("{\"é😀\": 1}")
        let member = try #require(value.members?.first)
        #expect(member.key == "é😀")
        #expect(member.value.position == SourcePosition(line: 1, column: 8))
    }

    @Test("object members keep the order of the file")
    func membersKeepOrder() throws {
        let value = try parse(#"{"z": 1, "a": 2, "m": 3}"#)
        #expect(value.members?.map(\.key) == ["z", "a", "m"])
    }

    @Test("a duplicate key is an error naming the key, at the second one")
    func duplicateKey() throws {
        let failure = try #require(error("{\n  \"lease\": \"1d\",\n  \"lease\": \"2d\"\n}"))
        #expect(failure.code == .duplicateKey)
        #expect(failure.position == SourcePosition(line: 3, column: 3))
        #expect(failure.message.contains("\"lease\""))
        #expect(failure.message.contains("line 2, column 3"))
    }

    @Test("duplicate keys in different objects are fine")
    func sameKeyInDifferentObjects() throws {
        let value = try parse(#"{"a": {"x": 1}, "b": {"x": 2}}"#)
        #expect(value["b"]?["x"]?.integerValue == 2)
    }

    @Test("invalid UTF-8 is an error with the position of the bad byte")
    func invalidUTF8() throws {
        let bytes = Array("{\n  \"purpose\": \"caf".utf8) + [0xE9] + Array("\"}".utf8)
        let failure = try #require(error(bytes: bytes))
        #expect(failure.code == .invalidUTF8)
        #expect(failure.position == SourcePosition(line: 2, column: 18))
        #expect(failure.message.contains("0xE9"))
    }

    @Test(
        "ill-formed UTF-8 sequences are refused",
        arguments: [
            [0xC0, 0xAF],  // overlong '/'
            [0xE0, 0x80, 0xAF],  // overlong
            [0xED, 0xA0, 0x80],  // UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
            [0xE2, 0x82],  // truncated
            [0x80],  // lone continuation byte
            [0xFF],
        ] as [[UInt8]]
    )
    func illFormedUTF8(sequence: [UInt8]) throws {
        let failure = try #require(error(bytes: Array("[\"".utf8) + sequence + Array("\"]".utf8)))
        #expect(failure.code == .invalidUTF8)
        #expect(failure.position == SourcePosition(line: 1, column: 3))
    }

    @Test("a leading byte order mark is skipped and takes no column")
    func byteOrderMark() throws {
        let value = try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array("{\"a\": 1}".utf8))
        #expect(value.position == SourcePosition(line: 1, column: 1))
        #expect(value["a"]?.integerValue == 1)
    }

    @Test("nesting up to 64 levels is accepted, 65 is refused")
    func depth() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try parse(ok)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let failure = try #require(error(tooDeep))
        #expect(failure.code == .tooDeep)
        #expect(failure.position == SourcePosition(line: 1, column: 65))
    }

    @Test("input over 64 KiB is refused before it is read")
    func size() throws {
        let big = "\"" + String(repeating: "a", count: 65_535) + "\""
        let failure = try #require(error(big))
        #expect(failure.code == .tooLarge)
        #expect(failure.message.contains("65537 bytes"))
        _ = try parse(String(big.dropLast(2)) + "\"")
    }

    @Test("integers stay exact and apart from other numbers")
    func numbers() throws {
        #expect(try parse("9223372036854775807").kind == .integer(Int64.max))
        #expect(try parse("-9223372036854775808").kind == .integer(Int64.min))
        #expect(try parse("-0").kind == .integer(0))
        #expect(try parse("2.5").kind == .number(2.5))
        #expect(try parse("2.0").kind == .number(2.0))
        #expect(try parse("1e3").kind == .number(1000))
        #expect(try parse("-1.5E-2").kind == .number(-0.015))
    }

    @Test(
        "malformed numbers are refused",
        arguments: ["01", "-", "1.", ".5", "+1", "1e", "1e+", "9223372036854775808", "1e999", "NaN", "Infinity"]
    )
    func malformedNumbers(text: String) throws {
        let failure = try #require(error("[\(text)]"))
        #expect(failure.line == 1)
    }

    @Test("escapes decode, including surrogate pairs")
    func escapes() throws {
        let value = try parse(#"["\"\\\/\b\f\n\r\t", "\u00e9\u20AC", "\uD83D\uDE00", "\u0000"]"#)
        let strings = try #require(value.elements).map(\.stringValue)
        #expect(strings == ["\"\\/\u{8}\u{C}\n\r\t", "é€", "😀", "\u{0}"])
    }

    @Test(
        "bad escapes are refused at the backslash",
        arguments: [
            #"["\x"]"#, #"["\u12"]"#, #"["\uZZZZ"]"#, #"["\uD83D"]"#, #"["\uD83Dx"]"#, #"["\uDE00"]"#,
            #"["\uD83D\u0041"]"#,
        ]
    )
    func badEscapes(text: String) throws {
        let failure = try #require(error(text))
        #expect(failure.code == .invalidString)
        #expect(failure.line == 1)
        #expect(failure.column == 3 || failure.column == 9)
    }

    @Test("a lone surrogate says how to write a pair")
    func loneSurrogateMessage() throws {
        let failure = try #require(error(#"["\uD83D"]"#))
        #expect(failure.message.contains("surrogate"))
        #expect(failure.column == 3)
    }

    @Test("a raw line break or control character inside a string is refused")
    func controlCharacters() throws {
        let newline = try #require(error("[\"a\nb\"]"))
        #expect(newline.code == .invalidString)
        #expect(newline.position == SourcePosition(line: 1, column: 4))
        let tab = try #require(error("[\"a\tb\"]"))
        #expect(tab.code == .invalidString)
    }

    @Test("content after the value is refused")
    func trailingContent() throws {
        let failure = try #require(error("{}\n{}"))
        #expect(failure.code == .trailingContent)
        #expect(failure.position == SourcePosition(line: 2, column: 1))
        _ = try parse("{} \n\t\r\n")
    }

    @Test(
        "syntax errors say what was expected, where",
        arguments: [
            ("", 1, 1, "empty"),
            ("   ", 1, 4, "empty"),
            (#"{"a": 1,}"#, 1, 9, "comma before '}'"),
            ("[1,]", 1, 4, "comma before ']'"),
            (#"{"a" 1}"#, 1, 6, "expected ':'"),
            (#"{"a": 1 "b": 2}"#, 1, 9, "comma is missing"),
            ("{'a': 1}", 1, 2, "double quotes"),
            ("{a: 1}", 1, 2, "double quotes"),
            ("// x\n{}", 1, 1, "comments"),
            (#"{"a": tru}"#, 1, 10, "true"),
            (#"{"a": True}"#, 1, 7, "expected a value"),
            (#"{"a": 1"#, 1, 8, "not closed"),
            (#"{"a": "x"#, 1, 7, "close it"),
            ("[1 2]", 1, 4, "expected ',' or ']'"),
        ] as [(String, Int, Int, String)]
    )
    func syntaxErrors(text: String, line: Int, column: Int, expected: String) throws {
        let failure = try #require(error(text))
        #expect(failure.position == SourcePosition(line: line, column: column), "\(failure)")
        #expect(failure.message.contains(expected), "\(failure.message)")
    }

    @Test("literals and empty containers")
    func literals() throws {
        let value = try parse(#"{"t": true, "f": false, "n": null, "o": {}, "a": []}"#)
        #expect(value["t"]?.kind == .bool(true))
        #expect(value["f"]?.kind == .bool(false))
        #expect(value["n"]?.kind == .null)
        #expect(value["o"]?.kind == .object([]))
        #expect(value["a"]?.kind == .array([]))
    }
}
