/// A count with its noun, singular or plural as English wants it: `1 request`, `3 requests`, `0 requests`.
///
/// Every count sandboxd prints goes through it (docs/behaviour.md §4.1), so no line reads `1 requests` or
/// `problem(s)`.
public enum Counted {
    /// `count` followed by `singular`, or by `plural` (`singular + "s"` when not given) unless `count` is 1.
    public static func phrase(_ count: Int, _ singular: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }
}
