/// One valid request file, `requests/<id>.json` (SPEC §2).
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

    /// A stable digest of the file's meaning: a change of it is "the file changed" (SPEC §3, §5).
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let text = [requester, String(pullRequest), lease?.text ?? "", purpose ?? ""].joined(separator: "\u{1F}")
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
