/// The `{{name}}` placeholders of parameter values and notification templates.
public enum Placeholders {
    /// One `{{name}}` found in a text.
    public struct Occurrence: Hashable, Sendable {
        /// The text between the braces.
        public var name: String
        /// The whole placeholder, braces included.
        public var text: String { "{{\(name)}}" }
    }

    /// The placeholders a pool parameter value may use (docs/behaviour.md §2).
    public static let parameterNames = ["requester", "request"]

    /// The placeholders a notification template may use besides `outputs.KEY` (docs/behaviour.md §6).
    public static let templateNames = ["requester", "request", "expires", "position", "reason", "problems"]

    /// Every `{{…}}` in `text`, in order. A `{{` with no `}}` after it is plain text.
    public static func occurrences(in text: String) -> [Occurrence] {
        let scalars = Array(text.unicodeScalars)
        var result: [Occurrence] = []
        var index = 0
        while index + 1 < scalars.count {
            guard scalars[index] == "{", scalars[index + 1] == "{" else {
                index += 1
                continue
            }
            var end = index + 2
            while end + 1 < scalars.count, !(scalars[end] == "}" && scalars[end + 1] == "}") { end += 1 }
            guard end + 1 < scalars.count else { break }
            var name = String.UnicodeScalarView()
            name.append(contentsOf: scalars[(index + 2)..<end])
            result.append(Occurrence(name: String(name)))
            index = end + 2
        }
        return result
    }

    /// Whether `name` may be used in a notification template.
    public static func isTemplateName(_ name: String) -> Bool {
        if templateNames.contains(name) { return true }
        if name.hasPrefix("outputs.") { return name.count > "outputs.".count && !name.contains(" ") }
        return false
    }
}
