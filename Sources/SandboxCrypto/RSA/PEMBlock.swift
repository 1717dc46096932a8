/// One `-----BEGIN LABEL-----` … `-----END LABEL-----` block of a PEM file (RFC 7468), with the RFC 1421 headers
/// OpenSSL writes into encrypted traditional keys (`Proc-Type: 4,ENCRYPTED`).
///
/// The reader is tolerant where files differ in harmless ways — CRLF or LF, spaces around lines, text before, after
/// and between blocks (OpenSSL's "Bag Attributes", an `EC PARAMETERS` block) — and strict about the body: the
/// base64 must be valid and padded.
struct PEMBlock {
    /// The label, such as `RSA PRIVATE KEY`.
    let label: String
    /// The header lines (`Name: value`) before the body, if any.
    let headers: [String]
    /// The base64 text of the body, lines joined.
    private let body: [UInt8]

    /// Whether a header says the body is encrypted (OpenSSL's traditional encryption, `Proc-Type: 4,ENCRYPTED`).
    var isEncrypted: Bool {
        headers.contains { header in
            let compact = header.uppercased().filter { $0 != " " }
            return compact.hasPrefix("PROC-TYPE:") && compact.hasSuffix(",ENCRYPTED")
        }
    }

    /// The label for an error message: the label itself if it is the usual upper-case words, else a neutral phrase.
    var quotedLabel: String { Self.quoted(label) }

    /// `label` in quotes if it is the usual upper-case words and digits, else a neutral phrase: a label is copied
    /// from the file into the message, and this keeps anything odd (or long) out of it.
    static func quoted(_ label: String) -> String {
        let isPlain = { (byte: UInt8) in byte == 0x20 || (0x41...0x5a).contains(byte) || (0x30...0x39).contains(byte) }
        return label.utf8.count <= 40 && label.utf8.allSatisfy(isPlain) ? "\"\(label)\"" : "an unrecognised label"
    }

    /// The DER the body encodes.
    func decodedBody() throws(RSAKeyError) -> [UInt8] {
        guard let der = Base64URL.decode(body, urlAlphabet: false, padded: true), !der.isEmpty else {
            throw RSAKeyError(
                .malformed,
                "the PEM block \(quotedLabel) is not valid base64 (a character was changed, lost or added): "
                    + "copy the key file again"
            )
        }
        return der
    }

    /// Every block in `text`, in order.
    ///
    /// - Throws: `malformed` for a BEGIN line without its END line (a truncated or spliced file).
    static func blocks(in text: String) throws(RSAKeyError) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var open: (label: String, headers: [String], body: [UInt8])?
        for rawLine in Array(text.utf8).split(separator: 0x0a, omittingEmptySubsequences: false) {
            let line = trimmed(rawLine)
            guard var block = open else {
                if let label = boundaryLabel(line, "BEGIN") { open = (label, [], []) }
                continue
            }
            if line.starts(with: "-----".utf8) {
                guard boundaryLabel(line, "END") == block.label else {
                    throw RSAKeyError(
                        .malformed,
                        "the PEM block \(quoted(block.label)) has no "
                            + "matching END line: the file is truncated or two files were joined; copy it again"
                    )
                }
                blocks.append(PEMBlock(label: block.label, headers: block.headers, body: block.body))
                open = nil
            } else if line.contains(UInt8(ascii: ":")) && block.body.isEmpty {
                block.headers.append(String(decoding: line, as: UTF8.self))
                open = block
            } else {
                block.body += line
                open = block
            }
        }
        if let block = open {
            throw RSAKeyError(
                .malformed,
                "the PEM block \(quoted(block.label)) has no END line: "
                    + "the file is truncated; copy it again"
            )
        }
        return blocks
    }

    /// The label of a `-----BEGIN LABEL-----` (or END) line, or `nil` if `line` is not one.
    private static func boundaryLabel(_ line: ArraySlice<UInt8>, _ kind: String) -> String? {
        let prefix = Array("-----\(kind) ".utf8)
        let suffix = Array("-----".utf8)
        guard line.count >= prefix.count + suffix.count + 1, line.starts(with: prefix),
            line.suffix(5).elementsEqual(suffix)
        else { return nil }
        let label = line.dropFirst(prefix.count).dropLast(suffix.count)
        // RFC 7468 labels have single hyphens only; "--" means a whole PEM squeezed onto one line.
        guard !zip(label, label.dropFirst()).contains(where: { $0 == 0x2d && $1 == 0x2d }) else { return nil }
        return String(decoding: label, as: UTF8.self)
    }

    /// `line` without the spaces, tabs and carriage returns around it.
    private static func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0d }
        guard let first = line.firstIndex(where: { !isSpace($0) }), let last = line.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return line[first...last]
    }
}
