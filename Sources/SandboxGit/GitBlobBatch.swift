/// Reads many blobs with one `git cat-file --batch`: one object name per input line, and for each the
/// line `ID blob SIZE`, the bytes and a line feed back (or `ID missing`).
enum GitBlobBatch {
    /// The input: each name on a line.
    static func input(_ ids: [String]) -> [UInt8] {
        Array(ids.map { "\($0)\n" }.joined().utf8)
    }

    /// The blobs in `output`, by name.
    /// - Returns: Every blob of `ids`, or `nil` when one is missing, not a blob, or the output is cut short.
    static func parse(_ output: [UInt8], ids: [String]) -> [String: [UInt8]]? {
        var blobs: [String: [UInt8]] = [:]
        var position = output.startIndex
        for id in ids {
            guard let lineEnd = output[position...].firstIndex(of: 0x0A) else { return nil }
            let header = output[position..<lineEnd].split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
            guard header.count == 3, header[0] == id, header[1] == "blob", let size = Int(header[2]) else { return nil }
            let start = lineEnd + 1
            guard size >= 0, output.endIndex - start > size, output[start + size] == 0x0A else { return nil }
            blobs[id] = Array(output[start..<start + size])
            position = start + size + 1
        }
        return blobs
    }
}
