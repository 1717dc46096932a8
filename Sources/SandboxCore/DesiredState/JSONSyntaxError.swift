/// Why ``JSONReader`` refused a file, and where.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem, for code that reacts to some of them.
    public enum Code: String, Hashable, Sendable {
        case tooLarge
        case invalidUTF8
        case unexpectedEndOfFile
        case unexpectedCharacter
        case invalidNumber
        case invalidString
        case duplicateKey
        case tooDeep
        case trailingContent
    }

    public var code: Code
    /// Where the problem is (1-based).
    public var position: SourcePosition
    /// What is wrong, what was expected, and what to do.
    public var message: String

    public init(_ code: Code, at position: SourcePosition, _ message: String) {
        self.code = code
        self.position = position
        self.message = message
    }

    public var line: Int { position.line }
    public var column: Int { position.column }

    /// `LINE:COLUMN: message`.
    public var description: String { "\(position.line):\(position.column): \(message)" }
}
