/// The rules of a GitHub login (user or organization name).
public enum GitHubLogin {
    /// The longest login GitHub allows.
    public static let maximumLength = 39

    /// Whether `text` is a valid GitHub login: 1 to 39 ASCII letters, digits or single hyphens,
    /// not starting or ending with a hyphen.
    public static func isValid(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (1...maximumLength).contains(scalars.count), scalars.first != "-", scalars.last != "-" else {
            return false
        }
        var previousWasHyphen = false
        for scalar in scalars {
            let isAlphanumeric =
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            if scalar == "-" {
                if previousWasHyphen { return false }
                previousWasHyphen = true
            } else if isAlphanumeric {
                previousWasHyphen = false
            } else {
                return false
            }
        }
        return true
    }

    /// The form used to compare logins: GitHub logins are case-insensitive.
    public static func normalized(_ login: String) -> String { login.lowercased() }
}
