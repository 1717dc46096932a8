import Foundation
import SandboxCore

/// Values shared by the notification tests.
enum NotificationFixtures {
    /// 2026-11-29T12:00:00Z, a Sunday.
    static let leaseEnd = Date(timeIntervalSince1970: 1_795_953_600)

    static let outputs = [
        ProductOutput(key: "BucketName", value: "sandbox-demo-bucket", description: "Where Metaflow keeps artifacts"),
        ProductOutput(key: "QueueArn", value: "arn:aws:sqs:eu-west-1:123456789012:demo"),
    ]

    /// A context for `event` with every value filled in.
    static func context(
        _ event: NotificationEvent,
        requester: String = "octocat",
        occurrence: Int = 1,
        reason: String? = "the account is younger than 30d",
        endReason: EndReason? = .expired,
        outputs: [ProductOutput] = outputs,
        purpose: String? = "Try Metaflow on our recommender pipeline"
    ) -> NotificationContext {
        NotificationContext(
            request: RequestID("demo")!,
            requester: requester,
            event: event,
            occurrence: occurrence,
            pullRequest: 42,
            leaseEnd: leaseEnd,
            queuePosition: 3,
            reason: reason,
            endReason: endReason,
            outputs: outputs,
            productName: "sandbox-demo",
            purpose: purpose,
            lease: LeaseDuration("3d"),
            maxLease: LeaseDuration("14d"),
            poolName: "default"
        )
    }

    /// How many times `needle` occurs in `text` (non-overlapping, by UTF-8).
    static func occurrences(of needle: String, in text: String) -> Int {
        let haystack = Array(text.utf8)
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, haystack.count >= pattern.count else { return 0 }
        var count = 0
        var index = 0
        while index <= haystack.count - pattern.count {
            if Array(haystack[index..<index + pattern.count]) == pattern {
                count += 1
                index += pattern.count
            } else {
                index += 1
            }
        }
        return count
    }

    /// The lines of a Markdown table (starting with `|`).
    static func tableRows(in body: String) -> [Substring] {
        body.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("|") }
    }
}
