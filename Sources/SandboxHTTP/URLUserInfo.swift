import Foundation

/// Whether a URL as written holds user info (`https://user:token@host/…`): a secret that must be refused
/// without being quoted (docs/behaviour.md §4.1). Read from the text itself, so a URL that does not even
/// parse is caught too.
public enum URLUserInfo {
    /// `true` when an `@` comes before the end of the authority (the first `/`, `?` or `#` after `://`).
    public static func isPresent(in text: String) -> Bool {
        let afterScheme = text.range(of: "://").map { text[$0.upperBound...] } ?? text[...]
        return afterScheme.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" }).contains("@")
    }
}
