/// Values made in code rather than read from a file (command output, test fakes).
///
/// A built value has no place in a file: every position in it is ``SourcePosition/start``.
/// These are initializers rather than static members named like the cases of ``JSONValue/Kind``, so
/// that a pattern such as `case .null = value` cannot silently compare positions.
extension JSONValue {
    /// A value of `kind`, at ``SourcePosition/start``.
    public init(_ kind: Kind) {
        self.init(kind, at: .start)
    }

    /// An object with these members, in this order.
    public init(members: [(key: String, value: JSONValue)]) {
        self.init(.object(members.map { Member(key: $0.key, keyPosition: .start, value: $0.value) }))
    }

    /// An array of these elements.
    public init(elements: [JSONValue]) {
        self.init(.array(elements))
    }

    /// The string, or `null` when there is none.
    public init(optional text: String?) {
        self.init(text.map(Kind.string) ?? .null)
    }

    /// The integer, or `null` when there is none.
    public init(optional number: Int?) {
        self.init(number.map { .integer(Int64($0)) } ?? .null)
    }
}
