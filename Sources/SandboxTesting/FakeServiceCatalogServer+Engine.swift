import Foundation
import SandboxCore
import SandboxHTTP
import SandboxLocking

extension FakeServiceCatalogServer {
    /// Checks each request, injects faults and carries out the operation on the state.
    final class Engine: Sendable {
        let configuration: Configuration
        let validator = ServiceCatalogModelValidator()
        let verifier: SigV4Verifier
        let state: Locked<State>
        /// The standing faults, by operation (``FakeServiceCatalogServer/injectFault(_:on:)``).
        let faults = FaultBoard<String>()

        init(configuration: Configuration) {
            self.configuration = configuration
            verifier = SigV4Verifier(
                service: "servicecatalog",
                region: configuration.region,
                requiredSignedHeaders: ["content-type", "x-amz-target"]
            )
            state = Locked(State(configuration: configuration))
        }

        func reply(to request: RecordedRequest) async -> ServerReply {
            let now = configuration.now()
            guard request.method == "POST", request.path == "/" else {
                return refuse(
                    "\(request.method) \(request.path): Service Catalog takes POST /",
                    404,
                    "UnknownOperationException",
                    ""
                )
            }
            guard request.headers["Content-Type"] == "application/x-amz-json-1.1" else {
                return refuse(
                    "Content-Type \(request.headers["Content-Type"] ?? "(none)")",
                    400,
                    "SerializationException",
                    "Content-Type must be application/x-amz-json-1.1"
                )
            }
            let prefix = "AWS242ServiceCatalogService."
            guard let target = request.headers["X-Amz-Target"], target.hasPrefix(prefix),
                validator.knows(String(target.dropFirst(prefix.count)))
            else {
                return refuse(
                    "X-Amz-Target \(request.headers["X-Amz-Target"] ?? "(none)")",
                    400,
                    "UnknownOperationException",
                    ""
                )
            }
            let operation = String(target.dropFirst(prefix.count))
            let accepted = state.withLock { $0.credentials }
            let signer: SigV4Verifier.Credentials
            do throws(SigV4Verifier.Failure) {
                signer = try verifier.verify(
                    method: request.method,
                    target: request.path,
                    headers: request.headers,
                    body: request.body,
                    accepted: accepted,
                    now: now
                )
            } catch {
                return refuse(
                    "\(operation) signature: \(error.code): \(error.message)",
                    error.status,
                    error.code,
                    error.message
                )
            }
            guard let body = JSONValue.parse(request.body, maximumSize: .max), body.members != nil else {
                return refuse("\(operation) body is not a JSON object", 400, "SerializationException", "Malformed JSON")
            }
            let problems = validator.problems(operation: operation, body: body)
            guard problems.isEmpty else {
                return refuse(
                    "\(operation) body: " + problems.joined(separator: "; "),
                    400,
                    "ValidationException",
                    "\(problems.count) validation error(s) detected: " + problems.joined(separator: "; ")
                )
            }
            switch await faults.intercept(operation) {
            case .proceed:
                break
            case .endlessBody:
                state.withLock { state in
                    state.calls[operation, default: 0] += 1
                    state.injected["endlessBody", default: 0] += 1
                }
                return .endlessChunks(status: 200, headers: Self.headers())
            case .stopped:
                return .dropConnection
            }
            let fault = state.withLock { state -> ScriptedFault? in
                state.calls[operation, default: 0] += 1
                let fault = state.nextFault(for: operation)
                if let fault { state.injected[Self.name(of: fault), default: 0] += 1 }
                return fault
            }
            switch fault {
            case .throttle?:
                return state.withLock { state in
                    Self.json(400, ["__type": state.typeForm("ThrottlingException"), "message": "Rate exceeded"])
                }
            case .serverError?:
                return serverError()
            case .reply(let status, let text)?:
                return .response(status: status, headers: Self.headers(), body: Data(text.utf8))
            case .delay(let duration)?:
                try? await Task.sleep(for: duration)
            case .serverErrorAfterApplying?, .dropAfterApplying?, nil:
                break
            }
            let (status, object) = apply(operation, body: body, accessKey: signer.accessKeyId, now: now)
            switch fault {
            case .serverErrorAfterApplying?:
                return serverError()
            case .dropAfterApplying?:
                return .dropMidResponse(status: status, headers: Self.headers(), body: Self.encode(object))
            default:
                return Self.json(status, object)
            }
        }

        /// Carries out an operation; answers the status and JSON object to send.
        func apply(_ operation: String, body: JSONValue, accessKey: String, now: Date) -> (Int, [String: Any]) {
            state.withLock { state in
                do throws(State.Failure) {
                    let caller = state.principal(of: accessKey)
                    return (200, try state.perform(operation, body: body, caller: caller, now: now))
                } catch {
                    return (error.status, ["__type": state.typeForm(error.code), "message": error.message])
                }
            }
        }

        private func refuse(_ violation: String, _ status: Int, _ code: String, _ message: String) -> ServerReply {
            state.withLock { $0.violations.append(violation) }
            return Self.json(status, ["__type": code, "message": message])
        }

        /// A 5xx in one of three forms, in turn: JSON `InternalFailure`, an empty 500, an HTML 503.
        private func serverError() -> ServerReply {
            let form = state.withLock { state -> Int in
                state.errorSerial += 1
                return state.errorSerial % 3
            }
            switch form {
            case 0:
                return Self.json(500, ["__type": "InternalFailure", "message": "An internal error occurred."])
            case 1:
                return .response(status: 500, headers: Self.headers(), body: Data())
            default:
                return .response(
                    status: 503,
                    headers: ["Content-Type": "text/html"],
                    body: Data("<html><body><b>Http/1.1 Service Unavailable</b></body></html>".utf8)
                )
            }
        }

        static func name(of fault: ScriptedFault) -> String {
            switch fault {
            case .throttle: "throttle"
            case .serverError, .serverErrorAfterApplying: "serverError"
            case .dropAfterApplying: "drop"
            case .reply: "reply"
            case .delay: "delay"
            }
        }

        static func headers() -> HTTPHeaders {
            [
                "Content-Type": "application/x-amz-json-1.1",
                "x-amzn-RequestId": UUID().uuidString.lowercased(),
                "Date": httpDate(Date()),
            ]
        }

        static func json(_ status: Int, _ object: [String: Any]) -> ServerReply {
            .response(status: status, headers: headers(), body: encode(object))
        }

        static func encode(_ object: [String: Any]) -> Data {
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        }

        static func httpDate(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            return formatter.string(from: date)
        }
    }
}
