/// Reading a whole document when only "valid JSON or not" matters (test fakes reading request bodies).
extension JSONValue {
    /// The document in UTF-8 `bytes`, read by ``JSONReader``; `nil` when it is not valid JSON.
    ///
    /// - Parameters:
    ///   - bytes: The whole document.
    ///   - maximumSize: The largest document accepted, in bytes.
    public static func parse(_ bytes: some Sequence<UInt8>, maximumSize: Int = JSONReader.maximumSize) -> JSONValue? {
        try? JSONReader.parse(Array(bytes), maximumSize: maximumSize)
    }
}
