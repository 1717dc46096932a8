import Foundation

/// The default comment for each event: what happened, and what the requester can do next.
extension NotificationRenderer {
    static func writeDefaultText(for context: NotificationContext, into body: inout NotificationBody) {
        switch context.event {
        case .queued: writeQueued(context, into: &body)
        case .ready: writeReady(context, into: &body)
        case .expiring: writeExpiring(context, into: &body)
        case .ended: writeEnded(context, into: &body)
        case .rejected: writeRejected(context, into: &body)
        case .failed: writeFailed(context, into: &body)
        case .lost: writeLost(context, into: &body)
        case .quarantined: writeQuarantined(context, into: &body)
        case .invalid: writeInvalid(context, into: &body)
        }
    }

    private static func writeQueued(_ context: NotificationContext, into body: inout NotificationBody) {
        body.append("### Sandbox request `\(context.request.rawValue)` is queued\n\n")
        body.appendGreeting(context)
        body.append(" your request is accepted and waits for a free slot in pool ")
        body.append(escaping: context.poolName)
        body.append(".\n\n")
        body.append("**Position in the queue: \(context.queuePosition.map(String.init) ?? absentValue)**")
        body.append(" (1 means you are next).\n\n")
        body.append("This comment is updated as the queue moves; you get a new comment when your sandbox is ready. ")
        body.append("To withdraw the request, remove ")
        body.appendPath(context)
        body.append(" by pull request.\n")
        body.appendPurpose(context)
    }

    private static func writeReady(_ context: NotificationContext, into body: inout NotificationBody) {
        body.append("### Your sandbox `\(context.request.rawValue)` is ready\n\n")
        body.appendGreeting(context)
        body.append(" your sandbox ")
        body.appendProduct(context)
        body.append(" is up.\n\n")
        if context.outputs.isEmpty {
            body.append("It publishes no outputs.\n\n")
        } else {
            body.append("| Output | Value | Description |\n|---|---|---|\n")
            for output in context.outputs {
                body.append("| ")
                body.append(escaping: output.key, for: .tableCell)
                body.append(" | ")
                body.append(escaping: output.value, for: .tableCell)
                body.append(" | ")
                body.append(escaping: output.description ?? "", for: .tableCell)
                body.append(" |\n")
            }
            body.append("\n")
        }
        body.append("**Your lease ends at ")
        body.appendTime(context.leaseEnd)
        body.append("**")
        if let lease = context.leaseEnd.flatMap({ _ in context.lease }) {
            body.append(", `\(lease.text)` from now")
        }
        body.append(". Then the sandbox is terminated and everything in it is deleted.\n\n")
        body.append("- **How to use it:** put these outputs into your Metaflow configuration ")
        body.append("(`~/.metaflowconfig/config.json`, or `METAFLOW_*` environment variables), ")
        body.append("or look the resources up by name in the AWS console.\n")
        body.append("- **Need more time?** Raise `lease` in ")
        body.appendPath(context)
        body.appendMaxLease(context)
        body.append(" by pull request.\n")
        body.append("- **Done early?** Remove ")
        body.appendPath(context)
        body.append(" by pull request; the sandbox is released once it is merged.\n")
        body.appendPurpose(context)
    }

    private static func writeExpiring(_ context: NotificationContext, into body: inout NotificationBody) {
        body.append("### Your sandbox `\(context.request.rawValue)` expires soon\n\n")
        body.appendGreeting(context)
        body.append(" the lease of ")
        body.appendProduct(context)
        body.append(" ends at **")
        body.appendTime(context.leaseEnd)
        body.append("**. Then the sandbox is terminated and everything in it is deleted.\n\n")
        body.append("**Need more time?** Raise `lease` in ")
        body.appendPath(context)
        if let lease = context.lease {
            body.append(" (now `\(lease.text)`")
            if let maxLease = context.maxLease { body.append(", at most `\(maxLease.text)` in this pool") }
            body.append(")")
        } else {
            body.appendMaxLease(context)
        }
        body.append(" by pull request. The lease counts from when the sandbox became ready, ")
        body.append("so it then ends that much later, and you are warned again before the new end.\n\n")
        body.append("Done with it? Nothing to do, or release it now: remove ")
        body.appendPath(context)
        body.append(" by pull request.\n")
    }

    private static func writeEnded(_ context: NotificationContext, into body: inout NotificationBody) {
        body.append("### Your sandbox `\(context.request.rawValue)` has ended\n\n")
        body.appendGreeting(context)
        switch context.endReason {
        case .expired:
            body.append(" the lease of ")
            body.appendProduct(context)
            if context.leaseEnd != nil {
                body.append(" expired at ")
                body.appendTime(context.leaseEnd)
            } else {
                body.append(" expired")
            }
            body.append(", so the sandbox was terminated.")
        case .released:
            body.append(" ")
            body.appendPath(context)
            body.append(" was removed, so ")
            body.appendProduct(context)
            body.append(" was released and terminated.")
        case nil, .recovered:
            body.append(" ")
            body.appendProduct(context)
            body.append(" was terminated.")
        }
        body.append(" Its slot went back to the pool.\n\n")
        if context.endReason == .released {
            body.append("This request is finished. ")
        } else {
            body.append("This request is finished: editing its file changes nothing, and the file may stay. ")
        }
        body.append("For a new sandbox, add a new request file (with a new name) by pull request.\n")
    }

    private static func writeRejected(_ context: NotificationContext, into body: inout NotificationBody) {
        body.append("### Sandbox request `\(context.request.rawValue)` was rejected\n\n")
        body.appendGreeting(context)
        body.append(" sandboxd cannot accept this request:\n\n> ")
        body.appendReason(context)
        body.append("\n\n**To fix it**, change ")
        body.appendPath(context)
        body.append(" by pull request. A changed file is verified again, and you get a new comment.\n")
    }

    private static func writeFailed(_ context: NotificationContext, into body: inout NotificationBody) {
        body.append("### Sandbox request `\(context.request.rawValue)` failed\n\n")
        body.appendGreeting(context)
        body.append(" provisioning ")
        body.appendProduct(context)
        body.append(" failed, and so did the retries. The last error:\n\n> ")
        body.appendReason(context)
        body.append("\n\nThe operators have been told. This request is finished; to try again, ")
        body.append("add a new request file (with a new name) by pull request.\n")
    }

    private static func writeLost(_ context: NotificationContext, into body: inout NotificationBody) {
        body.append("### Your sandbox `\(context.request.rawValue)` is gone\n\n")
        body.appendGreeting(context)
        body.append(" ")
        body.appendProduct(context)
        body.append(" disappeared: it was deleted outside sandboxd. Its slot is freed and this request is finished.")
        if let reason = context.reason {
            body.append("\n\n> ")
            body.append(escaping: reason)
        }
        body.append("\n\nIf you still need a sandbox, add a new request file (with a new name) by pull request.\n")
    }

    private static func writeQuarantined(_ context: NotificationContext, into body: inout NotificationBody) {
        body.append("### Your sandbox `\(context.request.rawValue)` could not be terminated\n\n")
        body.appendGreeting(context)
        body.append(" terminating ")
        body.appendProduct(context)
        body.append(" keeps failing. The operators have been told and will clean it up; please stop using it.")
        if let reason = context.reason {
            body.append(" The last error:\n\n> ")
            body.append(escaping: reason)
        }
        body.append("\n\nThere is nothing for you to do.\n")
    }
}

extension NotificationRenderer {
    /// `invalid` (docs/behaviour.md §2.5, §6.1): the `validate` messages, quoted escaped, and how to fix it.
    private static func writeInvalid(_ context: NotificationContext, into body: inout NotificationBody) {
        body.append("### Request file `\(context.request.rawValue)` is not valid\n\n")
        body.appendGreeting(context)
        body.append(" ")
        body.appendPath(context)
        body.append(" as merged does not pass `sandboxd validate`, so ")
        if context.lastValidInForce {
            body.append("this edit is ignored: the last valid version of the file stays in force.\n\n")
        } else {
            body.append("sandboxd cannot serve it: nothing is provisioned for it.\n\n")
        }
        body.append("What is wrong:\n\n")
        body.appendProblems(context)
        body.append("\n**To fix it**, open a new pull request that corrects ")
        body.appendPath(context)
        body.append(" (the pull request's `sandboxd validate` check shows the same messages). ")
        body.append("Once a valid version is merged, it is served as usual. ")
        body.append("This comment is updated if the problems change.\n")
    }
}

extension NotificationBody {
    /// One list item per problem, escaped, then how many more there are.
    mutating func appendProblems(_ context: NotificationContext) {
        appendProblems(context.problems, count: context.problemCount)
    }

    /// One list item per problem of `shown`, escaped, then how many more of `count` there are.
    mutating func appendProblems(_ shown: [String], count: Int) {
        for problem in shown {
            append("- ")
            append(escaping: problem)
            append("\n")
        }
        if shown.isEmpty { append("- \(NotificationRenderer.absentValue)\n") }
        let more = count - shown.count
        if more > 0 { append("- …and \(more) more: run `sandboxd validate` to see them all\n") }
    }

    /// `Hi <login>,`
    mutating func appendGreeting(_ context: NotificationContext) {
        if context.requester.isEmpty {
            append("Hi,")
        } else {
            append("Hi ")
            append(escaping: context.requester)
            append(",")
        }
    }

    /// The request file's path, as code when it is plain, else escaped text.
    mutating func appendPath(_ context: NotificationContext) {
        appendPath(context.requestFilePath)
    }

    /// A file's path, as code when it is plain, else escaped text (a path may come from a contributor).
    mutating func appendPath(_ path: String) {
        let isPlain =
            !path.isEmpty
            && path.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || "._/-".unicodeScalars.contains(scalar)
            }
        if isPlain { append("`\(path)`") } else { append(escaping: path) }
    }

    /// **product name**, or `your sandbox` when the name is not known.
    fileprivate mutating func appendProduct(_ context: NotificationContext) {
        if let name = context.productName, !name.isEmpty {
            append("**")
            append(escaping: name)
            append("**")
        } else {
            append("your sandbox")
        }
    }

    /// `2026-11-29T12:00:00Z (Sunday 29 November 2026, 12:00 UTC)`, or `—`.
    fileprivate mutating func appendTime(_ date: Date?) {
        guard let date else { return append(NotificationRenderer.absentValue) }
        append("\(NotificationDateFormat.rfc3339(date)) (\(NotificationDateFormat.humanReadable(date)))")
    }

    /// ` (up to `14d` in this pool)`, or ` (up to the pool's maximum)`.
    fileprivate mutating func appendMaxLease(_ context: NotificationContext) {
        if let maxLease = context.maxLease {
            append(" (up to `\(maxLease.text)` in this pool)")
        } else {
            append(" (up to the pool's maximum)")
        }
    }

    fileprivate mutating func appendReason(_ context: NotificationContext) {
        if let reason = context.reason, !reason.isEmpty {
            append(escaping: reason)
        } else {
            append("no reason was recorded.")
        }
    }

    /// `**Purpose:** …` on its own paragraph, when there is one.
    fileprivate mutating func appendPurpose(_ context: NotificationContext) {
        guard let purpose = context.purpose, !purpose.isEmpty else { return }
        append("\n**Purpose:** ")
        append(escaping: purpose)
        append("\n")
    }
}
