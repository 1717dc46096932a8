// Fuzz target: the desired-state reader and validator (docs/behaviour.md §2). The input is a pool.json, then
// NUL-separated entries `name\nbytes`: a request file (`requests/<name>`) or, named `templates/…`, a template.
import SandboxCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDesiredState(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parts = bytes.split(separator: 0, omittingEmptySubsequences: false)
    var requests: [FileEntry] = []
    var templates: [FileEntry] = []
    for part in parts.dropFirst() {
        let newline = part.firstIndex(of: 10) ?? part.endIndex
        let name = String(decoding: part[part.startIndex..<newline], as: UTF8.self)
        let content = Array(part[min(newline + 1, part.endIndex)...])
        if name.hasPrefix("templates/") {
            templates.append(FileEntry(name: String(name.dropFirst("templates/".count)), content: .bytes(content)))
        } else {
            requests.append(FileEntry(name: name, content: .bytes(content)))
        }
    }
    let snapshot = DesiredStateSnapshot(
        poolFile: .bytes(Array(parts.first ?? [])),
        requestFiles: requests,
        templatesDirectory: templates.isEmpty ? .missing : .present,
        templateFiles: templates
    )
    _ = DesiredStateParser.parse(snapshot)
    _ = try? JSONReader.parse(bytes)
    return 0
}
