/// Base64 with the URL- and filename-safe alphabet and no padding (RFC 4648 §5), as JWS writes every part
/// (RFC 7515 §2).
///
/// ```swift
/// Base64URL.encode(Array("foob".utf8))   // "Zm9vYg"
/// Base64URL.decode("Zm9vYg")             // the 4 bytes of "foob"
/// ```
public enum Base64URL {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8
    )

    /// Encodes bytes, without `=` padding.
    ///
    /// - Parameter bytes: The bytes to encode.
    /// - Returns: 4 characters for every 3 bytes, and 2 or 3 for a final 1 or 2 bytes.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let bytes = Array(bytes)
        var characters: [UInt8] = []
        characters.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let group =
                UInt32(bytes[index]) << 16 | (remaining > 1 ? UInt32(bytes[index + 1]) << 8 : 0)
                | (remaining > 2 ? UInt32(bytes[index + 2]) : 0)
            for position in 0..<(min(remaining, 3) + 1) {
                characters.append(alphabet[Int((group >> (18 - 6 * UInt32(position))) & 0x3f)])
            }
            index += 3
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Decodes unpadded base64url.
    ///
    /// Strict, as a JWS part must be: refuses `=` padding, the standard alphabet's `+` and `/`, whitespace and line
    /// breaks, a length that leaves 1 character over, and non-zero bits after the last whole byte (so that every
    /// byte string has exactly one encoding).
    ///
    /// - Parameter text: The encoded text.
    /// - Returns: The bytes, or `nil` if `text` is not canonical unpadded base64url.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(Array(text.utf8), urlAlphabet: true, padded: false)
    }
}

extension Base64URL {
    /// Decodes base64 in either alphabet (RFC 4648 §4 or §5), with `=` padding required (`padded`) or refused.
    ///
    /// Characters are mapped to values by arithmetic on ranges, without a lookup table or a branch on the
    /// character, because PEM bodies are private keys: a table indexed by key characters would show them in the
    /// cache. The result is decided once, at the end, from an accumulated "invalid" bit.
    static func decode(_ characters: [UInt8], urlAlphabet: Bool, padded: Bool) -> [UInt8]? {
        var count = characters.count
        if padded {
            guard count % 4 == 0 else { return nil }
            var padding = 0
            while padding < 2 && count > 0 && characters[count - 1] == UInt8(ascii: "=") {
                count -= 1
                padding += 1
            }
            guard padding == 0 || count % 4 == 4 - padding else { return nil }
        }
        guard count % 4 != 1 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 3 / 4)
        var invalid: UInt64 = 0
        var pending: UInt64 = 0
        var pendingBits: UInt64 = 0
        for index in 0..<count {
            let (value, valid) = sextet(characters[index], urlAlphabet: urlAlphabet)
            invalid |= valid ^ 1
            pending = (pending << 6 | value) & 0xfff
            pendingBits += 6
            if pendingBits >= 8 {
                pendingBits -= 8
                bytes.append(UInt8(truncatingIfNeeded: pending >> pendingBits))
            }
        }
        let leftover = pending & ((1 << pendingBits) - 1)
        invalid |= (leftover | (0 &- leftover)) >> 63
        return invalid == 0 ? bytes : nil
    }

    /// The 6-bit value of a base64 character and 1 if it is one (0 if not), computed without a branch.
    @inline(__always)
    private static func sextet(_ character: UInt8, urlAlphabet: Bool) -> (value: UInt64, valid: UInt64) {
        let c = Int64(character)
        // −1 (all ones) if low ≤ c ≤ high, else 0; opaque, so that the optimizer cannot turn the masks into branches.
        func within(_ low: Int64, _ high: Int64) -> Int64 {
            Int64(bitPattern: Limbs.opaque(UInt64(bitPattern: ~((c &- low) >> 63) & ~((high &- c) >> 63))))
        }
        let upper = within(65, 90)
        let lower = within(97, 122)
        let digit = within(48, 57)
        let value62: Int64 = urlAlphabet ? 45 : 43  // "-" or "+"
        let value63: Int64 = urlAlphabet ? 95 : 47  // "_" or "/"
        let is62 = within(value62, value62)
        let is63 = within(value63, value63)
        let value = (upper & (c &- 65)) | (lower & (c &- 71)) | (digit & (c &+ 4)) | (is62 & 62) | (is63 & 63)
        let valid = upper | lower | digit | is62 | is63
        return (UInt64(bitPattern: value), UInt64(bitPattern: valid) & 1)
    }
}
