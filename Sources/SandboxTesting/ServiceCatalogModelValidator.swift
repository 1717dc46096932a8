import Foundation
import SandboxCore

/// Checks a request body against the Service Catalog model, as botocore's `ParamValidator` does (types, required
/// members, unknown members, min/max, enums) and additionally the `pattern` of every string, as the service does.
///
/// Patterns are unanchored regexes in the model; here they must match the whole string.
struct ServiceCatalogModelValidator: Sendable {
    private struct Shape: Decodable {
        var type: String
        var required: [String]?
        var members: [String: String]?
        var member: String?
        var key: String?
        var value: String?
        var min: Double?
        var max: Double?
        var `enum`: [String]?
        var pattern: String?
    }

    private struct Model: Decodable {
        var operations: [String: String]
        var shapes: [String: Shape]
    }

    private let model: Model

    init() {
        model = try! JSONDecoder().decode(Model.self, from: Data(ServiceCatalogModelSubset.json.utf8))
    }

    /// Whether the fake knows the operation.
    func knows(_ operation: String) -> Bool {
        model.operations[operation] != nil
    }

    /// Every problem with `body` as the input of `operation`; empty when valid.
    func problems(operation: String, body: JSONValue) -> [String] {
        guard let input = model.operations[operation] else { return ["unknown operation \(operation)"] }
        var problems: [String] = []
        validate(body, shape: input, path: "", into: &problems)
        return problems
    }

    private func validate(_ value: JSONValue, shape name: String, path: String, into problems: inout [String]) {
        guard let shape = model.shapes[name] else {
            problems.append("\(path): shape \(name) missing from the model subset")
            return
        }
        let label = path.isEmpty ? "input" : path
        switch shape.type {
        case "structure":
            guard let members = value.members else {
                problems.append("\(label): expected an object for \(name)")
                return
            }
            for required in shape.required ?? [] where value[required] == nil {
                problems.append("\(label): missing required member \(required)")
            }
            for (key, member) in members.sorted(by: { $0.key < $1.key }).map({ ($0.key, $0.value) }) {
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                guard let memberShape = shape.members?[key] else {
                    problems.append("\(memberPath): unknown member of \(name)")
                    continue
                }
                if member.kind == .null { continue }
                validate(member, shape: memberShape, path: memberPath, into: &problems)
            }
        case "list":
            guard let items = value.elements else {
                problems.append("\(label): expected a list for \(name)")
                return
            }
            check(count: items.count, shape: shape, label: label, unit: "items", into: &problems)
            for (index, item) in items.enumerated() {
                validate(item, shape: shape.member!, path: "\(path)[\(index)]", into: &problems)
            }
        case "map":
            guard let entries = value.members else {
                problems.append("\(label): expected a map for \(name)")
                return
            }
            check(count: entries.count, shape: shape, label: label, unit: "entries", into: &problems)
            for (key, entry) in entries.sorted(by: { $0.key < $1.key }).map({ ($0.key, $0.value) }) {
                validate(JSONValue(.string(key)), shape: shape.key!, path: "\(path){key \(key)}", into: &problems)
                validate(entry, shape: shape.value!, path: "\(path).\(key)", into: &problems)
            }
        case "string":
            guard let text = value.stringValue else {
                problems.append("\(label): expected a string for \(name)")
                return
            }
            check(count: text.unicodeScalars.count, shape: shape, label: label, unit: "characters", into: &problems)
            if let allowed = shape.enum, !allowed.contains(text) {
                problems.append("\(label): \"\(text)\" is not one of \(allowed.joined(separator: ", "))")
            }
            if let pattern = shape.pattern, !Self.matchesWhole(text, pattern: pattern) {
                problems.append("\(label): \"\(text)\" does not match \(pattern)")
            }
        case "integer", "long":
            guard let number = value.integerValue else {
                problems.append("\(label): expected an integer for \(name)")
                return
            }
            if let min = shape.min, Double(number) < min { problems.append("\(label): \(number) < \(min)") }
            if let max = shape.max, Double(number) > max { problems.append("\(label): \(number) > \(max)") }
        case "boolean":
            guard case .bool = value.kind else {
                problems.append("\(label): expected a boolean for \(name)")
                return
            }
        case "timestamp":
            switch value.kind {
            case .integer, .number: break
            default: problems.append("\(label): expected epoch seconds for \(name)")
            }
        default:
            problems.append("\(label): shape type \(shape.type) not supported by the fake")
        }
    }

    private func check(count: Int, shape: Shape, label: String, unit: String, into problems: inout [String]) {
        if let min = shape.min, Double(count) < min { problems.append("\(label): \(count) \(unit), min \(Int(min))") }
        if let max = shape.max, Double(count) > max { problems.append("\(label): \(count) \(unit), max \(Int(max))") }
    }

    private static func matchesWhole(_ text: String, pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return false }
        let range = NSRange(text.startIndex..., in: text)
        return regex.firstMatch(in: text, options: [], range: range) != nil
    }
}
