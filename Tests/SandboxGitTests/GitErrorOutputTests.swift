import Testing

@testable import SandboxGit

@Suite("git's error output: the kind of fault, and quotes that hold no secret")
struct GitErrorOutputTests {
    @Test(
        "git's, curl's and ssh's words give the kind",
        arguments: [
            ("fatal: Authentication failed for 'https://github.com/o/r.git/'", GitError.Kind.authentication),
            ("fatal: could not read Username for 'https://github.com': terminal prompts disabled", .authentication),
            (
                "git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.",
                .authentication
            ),
            ("fatal: unable to access 'https://x/': The requested URL returned error: 403", .authentication),
            ("fatal: couldn't find remote ref refs/heads/gone", .branchMissing),
            ("fatal: not a git repository: '/state/git/mirror.git'", .damaged),
            ("error: refs/sandboxd/head: invalid sha1 pointer 0123", .damaged),
            ("fatal: loose object 0123 (stored in x) is corrupt", .damaged),
            ("remote: fatal: object 0123 is corrupt\nfatal: early EOF", .unreachable),
            ("fatal: unable to access 'https://nohost/': Could not resolve host: nohost", .unreachable),
            ("fatal: repository 'https://github.com/o/gone.git/' not found", .unreachable),
            ("fatal: '/srv/gone.git' does not appear to be a git repository", .unreachable),
            ("fatal: something new", nil),
        ] as [(String, GitError.Kind?)]
    )
    func kinds(text: String, kind: GitError.Kind?) {
        #expect(GitErrorOutput.kind(of: text) == kind)
    }

    @Test("the token, URL credentials and token-shaped words are replaced; quotes are short")
    func scrubbing() {
        let text = """
            hint: ignore this
            fatal: unable to access 'https://x-access-token:s3cr3t-value@github.com/o/r.git/': 403
            error: ghp_abcdefghijklmnopqrstuvwxyz0123456789 github_pat_11AAA_bbb and Authorization: Bearer eyJx.y
            """
        let scrubbed = GitErrorOutput.scrubbed(text, secrets: ["s3cr3t-value"])
        let excerpt = GitErrorOutput.excerpt(scrubbed)

        for secret in ["s3cr3t-value", "ghp_abc", "github_pat_11", "eyJx", "x-access-token:"] {
            #expect(!scrubbed.contains(secret), "\(secret)")
        }
        #expect(!excerpt.contains("hint:") && excerpt.contains("fatal: unable to access"))
        #expect(
            GitErrorOutput.excerpt(String(repeating: "fatal: long ", count: 100)).count <= GitErrorOutput.excerptLimit
        )
    }
}
