/// One valid request file, `requests/<id>.json` (docs/behaviour.md §2).
public struct RequestSpec: Hashable, Sendable, Codable {
    public var id: RequestID
    /// The GitHub login that asked.
    public var requester: String
    /// The pull request that added the file.
    public var pullRequest: Int
    /// The lease asked for; `nil` means the pool's default.
    public var lease: LeaseDuration?
    /// Why they want it (at most 500 characters).
    public var purpose: String?

    public init(id: RequestID, requester: String, pullRequest: Int, lease: LeaseDuration? = nil, purpose: String? = nil)
    {
        self.id = id
        self.requester = requester
        self.pullRequest = pullRequest
        self.lease = lease
        self.purpose = purpose
    }

    /// A stable digest of the file's meaning: a change of it is "the file changed" (docs/behaviour.md §3, §5).
    public var fingerprint: String {
        let text = [requester, String(pullRequest), lease?.text ?? "", purpose ?? ""].joined(separator: "\u{1F}")
        return String(SandboxDigest.hex(of: text).prefix(16))
    }
}
