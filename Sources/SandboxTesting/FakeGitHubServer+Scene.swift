public import Foundation
import SandboxLocking

extension FakeGitHubServer {
    // MARK: - Setting the scene

    /// Adds (or replaces) an account.
    public func addAccount(_ account: Account) {
        state.withLock { $0.accounts[account.id] = account }
    }

    /// Renames an account (its id stays).
    public func rename(accountID: Int64, to login: String) {
        state.withLock { $0.accounts[accountID]?.login = login }
    }

    /// Adds (or replaces) a pull request.
    public func addPullRequest(_ pull: PullRequest) {
        state.withLock { $0.pulls[pull.number] = pull }
    }

    /// Adds an issue (not a pull request): it can be commented on, but `GET …/pulls/{n}` is 404.
    public func addIssue(_ number: Int) {
        state.withLock { _ = $0.issues.insert(number) }
    }

    /// Marks a pull request merged or not.
    public func setMerged(_ number: Int, _ merged: Bool) {
        state.withLock { $0.pulls[number]?.merged = merged }
    }

    /// Sets the head commit of `branch` (`nil` deletes the branch), as a push or a merge does.
    public func setBranch(_ branch: String, head: String?) {
        state.withLock { $0.branches[branch] = head }
    }

    /// Makes `accountID` a member of `organization` (`nil` removes it).
    public func setMembership(
        organization: String,
        accountID: Int64,
        _ membership: MembershipState?,
        isPublic: Bool = false
    ) {
        state.withLock {
            $0.memberships[organization.lowercased(), default: [:]][accountID] =
                membership.map { Membership(state: $0, isPublic: isPublic) }
        }
    }

    /// Adds a comment written by `authorID`.
    @discardableResult
    public func addComment(pullRequest: Int, authorID: Int64, body: String) -> Int64 {
        state.withLock { state in
            let id = state.nextCommentID
            state.nextCommentID += 1
            state.comments.append(Comment(id: id, pullRequest: pullRequest, authorID: authorID, body: body))
            return id
        }
    }

    /// The comments on a pull request, oldest first.
    public func comments(on pullRequest: Int) -> [Comment] {
        state.withLock { $0.comments.filter { $0.pullRequest == pullRequest } }
    }

    /// Every comment, oldest first.
    public var allComments: [Comment] {
        state.withLock { $0.comments }
    }

    /// Sets the primary rate limit: `remaining` calls until `reset` (when the count refills).
    public func setRateLimit(remaining: Int, reset: Date) {
        state.withLock {
            $0.remaining = remaining
            $0.reset = reset
        }
    }

    /// Refuses the next `calls` calls with a secondary-limit 403 carrying `Retry-After: retryAfter`.
    public func limitSecondary(retryAfter: Int, calls: Int = 1) {
        state.withLock {
            $0.secondaryLimited = calls
            $0.secondaryRetryAfter = retryAfter
        }
    }

    /// Answers the next `count` calls with `status` (502 by default).
    public func failNext(_ count: Int, status: Int = 502) {
        state.withLock { $0.failures += Array(repeating: status, count: count) }
    }

    /// The most items a page holds, whatever `per_page` asks (GitHub's is 100).
    public var maximumPageSize: Int {
        get { state.withLock { $0.maximumPageSize } }
        set { state.withLock { $0.maximumPageSize = newValue } }
    }

    /// Answer `404` instead of `302` to a members check the token cannot see (GitHub Enterprise Server 3.8).
    public var membersAnswer404WhenHidden: Bool {
        get { state.withLock { $0.membersAnswer404WhenHidden } }
        set { state.withLock { $0.membersAnswer404WhenHidden = newValue } }
    }

    // MARK: - Accounting

    /// Answers that counted against the primary rate limit (not 304s, not refusals, not 5xx).
    public var costlyCalls: Int { state.withLock { $0.costlyCalls } }
    /// `304 Not Modified` answers (free).
    public var notModifiedCalls: Int { state.withLock { $0.notModifiedCalls } }
    /// The remaining primary rate limit.
    public var remaining: Int { state.withLock { $0.remaining } }
    /// Calls refused for a missing or wrong header (token, User-Agent, Accept, API version).
    public var refusedForHeaders: Int { state.withLock { $0.refusedForHeaders } }
}
