import Foundation
import Glibc
import SandboxHTTP

extension LoopbackHTTPServer {
    /// Serves one accepted connection on its own thread: reads requests, records them, and writes
    /// the handler's replies until the client or a reply closes the connection.
    struct Connection {
        let socket: Int32
        let ordinal: Int
        let listener: Listener

        func serve() {
            defer { listener.close(connection: socket) }
            var reader = RequestReader(socket: socket)
            while true {
                let request: RequestReader.Request
                do {
                    let sendContinue = { _ = send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) }
                    guard let next = try reader.next(sendContinue: sendContinue) else { return }
                    request = next
                } catch .malformed(let reason) {
                    let body = Array("malformed request: \(reason)\n".utf8)
                    let head = Self.head(
                        status: 400,
                        headers: ["Content-Type": "text/plain"],
                        contentLength: body.count,
                        close: true
                    )
                    _ = send(head + body)
                    return
                } catch {
                    return
                }

                let recorded = RecordedRequest(
                    method: request.method,
                    path: request.target,
                    headers: request.headers,
                    body: request.body,
                    connection: ordinal
                )
                listener.record(recorded)
                switch listener.reply(to: recorded) {
                case .response(let status, let headers, let body):
                    let close = !request.keepAlive || Self.asksToClose(headers)
                    let hasBody = Self.statusAllowsBody(status)
                    var bytes = Self.head(
                        status: status,
                        headers: headers,
                        contentLength: hasBody ? body.count : nil,
                        close: close
                    )
                    if hasBody && request.method != "HEAD" {
                        bytes.append(contentsOf: body)
                    }
                    guard send(bytes), !close else { return }
                case .dropConnection:
                    return
                case .dropMidResponse(let status, let headers, let body):
                    var bytes = Self.head(status: status, headers: headers, contentLength: body.count, close: true)
                    bytes.append(contentsOf: body.prefix(body.count / 2))
                    _ = send(bytes)
                    return
                case .endlessChunks(let status, let headers):
                    sendEndlessChunks(status: status, headers: headers)
                    return
                }
            }
        }

        /// A chunked body that does not end, until the peer goes or 32 MiB were sent (32 times the limit a
        /// test sets, and little enough that a slow-to-close client costs the other tests nothing).
        private func sendEndlessChunks(status: Int, headers: HTTPHeaders) {
            var head = Self.head(status: status, headers: headers, contentLength: nil, close: true)
            head.removeLast(2)
            head.append(contentsOf: Array("Transfer-Encoding: chunked\r\n\r\n".utf8))
            guard send(head) else { return }
            let size = 64 * 1024
            let chunk =
                Array(String(size, radix: 16).utf8) + [13, 10] + [UInt8](repeating: 0x78, count: size) + [13, 10]
            for _ in 0..<512 {
                guard send(chunk) else { return }
            }
        }

        /// Writes all of `bytes`; false if the peer is gone. Never raises SIGPIPE.
        private func send(_ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes.withUnsafeBytes { buffer in
                    Glibc.send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                }
                if sent < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += sent
            }
            return true
        }

        /// The status line and headers, ending with the empty line.
        static func head(status: Int, headers: HTTPHeaders, contentLength: Int?, close: Bool) -> [UInt8] {
            var text = "HTTP/1.1 \(status) \(reasonPhrase(for: status))\r\n"
            for field in headers {
                switch field.name.lowercased() {
                case "content-length", "transfer-encoding", "connection": continue
                default: text += "\(field.name): \(field.value)\r\n"
                }
            }
            if let contentLength {
                text += "Content-Length: \(contentLength)\r\n"
            }
            if close {
                text += "Connection: close\r\n"
            }
            text += "\r\n"
            return Array(text.utf8)
        }

        static func asksToClose(_ headers: HTTPHeaders) -> Bool {
            headers.values(for: "Connection").contains { value in
                value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "close" }
            }
        }

        /// 1xx, 204 and 304 responses have no body (RFC 9110 §6.4.1).
        static func statusAllowsBody(_ status: Int) -> Bool {
            !(100...199).contains(status) && status != 204 && status != 304
        }

        static func reasonPhrase(for status: Int) -> String {
            switch status {
            case 100: "Continue"
            case 200: "OK"
            case 201: "Created"
            case 202: "Accepted"
            case 204: "No Content"
            case 301: "Moved Permanently"
            case 302: "Found"
            case 303: "See Other"
            case 304: "Not Modified"
            case 307: "Temporary Redirect"
            case 308: "Permanent Redirect"
            case 400: "Bad Request"
            case 401: "Unauthorized"
            case 403: "Forbidden"
            case 404: "Not Found"
            case 405: "Method Not Allowed"
            case 409: "Conflict"
            case 410: "Gone"
            case 413: "Content Too Large"
            case 422: "Unprocessable Content"
            case 429: "Too Many Requests"
            case 500: "Internal Server Error"
            case 501: "Not Implemented"
            case 502: "Bad Gateway"
            case 503: "Service Unavailable"
            case 504: "Gateway Timeout"
            default: "Status \(status)"
            }
        }
    }
}
