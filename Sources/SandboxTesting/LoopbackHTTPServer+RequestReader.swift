import Foundation
import Glibc
import SandboxHTTP

extension LoopbackHTTPServer {
    /// Reads HTTP/1.1 requests, one after another, from a connected socket.
    struct RequestReader {
        /// A request's head and body, and whether the connection may carry another request.
        struct Request {
            var method: String
            var target: String
            var headers: HTTPHeaders
            var body: Data
            var keepAlive: Bool
        }

        /// Why no request could be read.
        enum Failure: Error {
            /// The peer closed the connection (or it failed) before a complete request.
            case disconnected
            /// The bytes are not a valid HTTP/1.1 request; the reason goes in the 400's body.
            case malformed(String)
        }

        static let maximumHeadBytes = 64 * 1024
        static let maximumBodyBytes = 64 * 1024 * 1024

        private let socket: Int32
        private var buffer: [UInt8] = []
        /// Where unread bytes start in ``buffer``.
        private var start = 0

        init(socket: Int32) {
            self.socket = socket
        }

        /// Reads the next request.
        /// - Parameter sendContinue: Called to send `100 Continue` when the client asked for it,
        ///   before the body is read.
        /// - Returns: The request, or `nil` if the client closed the connection between requests.
        mutating func next(sendContinue: () -> Void) throws(Failure) -> Request? {
            // A client may send empty lines before a request (RFC 9112 §2.2).
            while true {
                if try !ensure(2, allowCleanEnd: true) { return nil }
                guard buffer[start] == 0x0D, buffer[start + 1] == 0x0A else { break }
                start += 2
            }
            let headEnd = try readHead()
            let head = String(decoding: buffer[start..<headEnd], as: UTF8.self)
            start = headEnd + 4
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst()
            let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
                parts[0].utf8.allSatisfy({ Self.isTokenByte($0) })
            else { throw .malformed("bad request line") }
            let version = String(parts[2])
            guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
                throw .malformed("unsupported version \(version)")
            }
            var headers = HTTPHeaders()
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { throw .malformed("header line without a colon") }
                let name = String(line[..<colon])
                guard !name.isEmpty, name.utf8.allSatisfy({ Self.isTokenByte($0) }) else {
                    // Also rejects obsolete line folding (a line starting with whitespace).
                    throw .malformed("bad header name")
                }
                let value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                headers.add(name: name, value: value)
            }

            let connectionTokens = headers.values(for: "Connection")
                .flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let keepAlive =
                version == "HTTP/1.1" ? !connectionTokens.contains("close") : connectionTokens.contains("keep-alive")

            let framing = try Self.bodyFraming(headers)
            let wantsContinue = headers.values(for: "Expect").contains { $0.lowercased() == "100-continue" }
            if wantsContinue && version == "HTTP/1.1" && framing != .length(0) {
                sendContinue()
            }
            let body: Data
            switch framing {
            case .length(let count):
                _ = try ensure(count, allowCleanEnd: false)
                body = Data(buffer[start..<start + count])
                start += count
            case .chunked:
                body = try readChunkedBody()
            }
            compact()
            return Request(
                method: String(parts[0]),
                target: String(parts[1]),
                headers: headers,
                body: body,
                keepAlive: keepAlive
            )
        }

        private enum Framing: Equatable {
            case length(Int)
            case chunked
        }

        private static func bodyFraming(_ headers: HTTPHeaders) throws(Failure) -> Framing {
            let transferCodings = headers.values(for: "Transfer-Encoding")
                .flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let lengths = headers.values(for: "Content-Length")
            if !transferCodings.isEmpty {
                guard lengths.isEmpty else { throw .malformed("both Transfer-Encoding and Content-Length") }
                guard transferCodings.last == "chunked" else { throw .malformed("unsupported Transfer-Encoding") }
                return .chunked
            }
            guard let first = lengths.first else { return .length(0) }
            guard lengths.allSatisfy({ $0 == first }), !first.isEmpty,
                first.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let count = Int(first)
            else { throw .malformed("bad Content-Length") }
            guard count <= maximumBodyBytes else { throw .malformed("body larger than \(maximumBodyBytes) bytes") }
            return .length(count)
        }

        /// Reads a chunked body (RFC 9112 §7.1), discarding chunk extensions and trailers.
        private mutating func readChunkedBody() throws(Failure) -> Data {
            var body = Data()
            while true {
                let line = try readLine()
                let sizeText = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
                    .trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                guard !sizeText.isEmpty, sizeText.count <= 8, let size = Int(sizeText, radix: 16) else {
                    throw .malformed("bad chunk size")
                }
                if size == 0 { break }
                guard body.count + size <= Self.maximumBodyBytes else {
                    throw .malformed("body larger than \(Self.maximumBodyBytes) bytes")
                }
                _ = try ensure(size + 2, allowCleanEnd: false)
                body.append(contentsOf: buffer[start..<start + size])
                guard buffer[start + size] == 0x0D, buffer[start + size + 1] == 0x0A else {
                    throw .malformed("chunk not followed by CRLF")
                }
                start += size + 2
            }
            while try !readLine().isEmpty {}  // trailer fields, then the empty line
            return body
        }

        /// Reads up to the end of the head (`CRLF CRLF`) and returns the index where it starts.
        private mutating func readHead() throws(Failure) -> Int {
            var searchFrom = start
            while true {
                if let end = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer, from: searchFrom) { return end }
                guard buffer.count - start <= Self.maximumHeadBytes else { throw .malformed("request head too large") }
                searchFrom = max(start, buffer.count - 3)
                guard try fill() else { throw .disconnected }
            }
        }

        /// Reads one CRLF-terminated line (at most 8 KiB) and returns it without the CRLF.
        private mutating func readLine() throws(Failure) -> String {
            var searchFrom = start
            while true {
                if let end = Self.find([0x0D, 0x0A], in: buffer, from: searchFrom) {
                    let line = String(decoding: buffer[start..<end], as: UTF8.self)
                    start = end + 2
                    return line
                }
                guard buffer.count - start <= 8 * 1024 else { throw .malformed("line too long") }
                searchFrom = max(start, buffer.count - 1)
                guard try fill() else { throw .disconnected }
            }
        }

        /// Makes sure at least `count` unread bytes are buffered.
        /// - Returns: false if the peer closed the connection with nothing unread and
        ///   `allowCleanEnd` is set.
        private mutating func ensure(_ count: Int, allowCleanEnd: Bool) throws(Failure) -> Bool {
            while buffer.count - start < count {
                guard try fill() else {
                    if allowCleanEnd && buffer.count == start { return false }
                    throw .disconnected
                }
            }
            return true
        }

        /// Receives more bytes; false at end of stream.
        private mutating func fill() throws(Failure) -> Bool {
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let received = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                if received > 0 {
                    buffer.append(contentsOf: chunk[..<received])
                    return true
                }
                if received == 0 { return false }
                if errno == EINTR { continue }
                throw .disconnected
            }
        }

        /// Drops bytes already read, so a long-lived connection does not grow its buffer.
        private mutating func compact() {
            if start == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                start = 0
            } else if start > 64 * 1024 {
                buffer.removeFirst(start)
                start = 0
            }
        }

        private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
            guard haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
            var index = from
            while index <= haystack.count - needle.count {
                if haystack[index] == needle[0] && haystack[index..<index + needle.count].elementsEqual(needle) {
                    return index
                }
                index += 1
            }
            return nil
        }

        /// RFC 9110 `tchar`.
        static func isTokenByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
    }
}
