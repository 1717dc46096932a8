// Fuzz target: an AWS HTTP response as sandboxd reads it (docs/behaviour.md §9.4): the input is a response,
// `status\nName: value\n…\n\nbody`, read as a JSON-protocol error, a query-protocol (XML) error and plain XML.
@testable import SandboxAWS
import Foundation
import SandboxHTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAWSError(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var headEnd = bytes.endIndex
    for index in bytes.indices.dropLast() where bytes[index] == 10 && bytes[index + 1] == 10 {
        headEnd = index
        break
    }
    let head = String(decoding: bytes[..<headEnd], as: UTF8.self).split(separator: "\n")
    let body = Data(bytes[min(headEnd + 2, bytes.endIndex)...])
    let status = head.first.flatMap { Int($0.prefix(3)) } ?? 400
    var headers = HTTPHeaders()
    for line in head.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
    }
    let response = HTTPResponse(status: status, headers: headers, body: body)
    _ = AWSErrorResponse(json: response)
    _ = AWSErrorResponse(xml: response)
    _ = AWSXMLElement.parse(body)
    return 0
}
