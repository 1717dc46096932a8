import SandboxGit
import Testing

@Suite("GitRemote: the URL, branch and folder sandboxd follows")
struct GitRemoteTests {
    @Test(
        "the URLs git is given",
        arguments: [
            "https://github.com/octo-org/sandboxes.git", "https://ghe.example.com:8443/o/r",
            "ssh://git@github.com/o/r.git",
            "ssh://git@host.example:2222/srv/r.git", "git@github.com:octo-org/sandboxes.git", "host.example:r.git",
            "file:///srv/git/sandboxes.git", "http://127.0.0.1:8080/r.git", "http://localhost/r.git",
        ]
    )
    func validURL(_ url: String) throws {
        let remote = try GitRemote(url: url)
        #expect(remote.url == url && remote.branch == nil && remote.path == "desired-state")
        #expect(remote.takesCredentials == (url.hasPrefix("https://") || url.hasPrefix("http://")))
    }

    @Test(
        "anything else is refused as invalid settings",
        arguments: [
            "", "github.com/o/r", "ftp://host/r.git", "http://example.com/r.git", "https://github.com",
            "https://github.com/", "https://github.com/o/r?x=1", "https://github.com/o r", "-oProxyCommand=x:y",
            "git@-host:r.git", "git@host:-r.git", "a@b@host:r", "file://relative/r.git", "file://localhost/srv/r.git",
            "file:///", "ssh:///r.git",
        ]
    )
    func invalidURL(_ url: String) {
        let error = #expect(throws: GitError.self) { try GitRemote(url: url) }
        #expect(error?.kind == .invalidSettings && error?.message.contains("--git-remote") == true)
    }

    @Test(
        "credentials in the URL are refused without quoting them; the token comes from sandboxd's GitHub settings",
        arguments: [
            "https://user:ghp_secretsecret@github.com/o/r.git", "https://x-access-token@github.com/o/r.git",
            "ssh://git:secretsecret@host/r.git", "http://u:secretsecret@127.0.0.1/r.git",
        ]
    )
    func credentialsRefused(_ url: String) {
        let error = #expect(throws: GitError.self) { try GitRemote(url: url) }
        #expect(error?.kind == .invalidSettings)
        #expect(error?.message.contains("secret") == false && error?.message.contains("x-access-token") == false)
        #expect(error?.message.contains("GitHub token") == true)
    }

    @Test("a branch is a branch name; refs/heads/ is dropped; empty is the default branch")
    func branches() throws {
        #expect(try GitRemote(url: "file:///r", branch: "").branch == nil)
        #expect(try GitRemote(url: "file:///r", branch: "refs/heads/main").branch == "main")
        #expect(try GitRemote(url: "file:///r", branch: "release/2026.1").branch == "release/2026.1")
        for bad in ["a..b", "-x", "x.lock", "a b", "HEAD@{1}", "x/", ".x", "a//b", "x:y", "@", "a~1", "x."] {
            let error = #expect(throws: GitError.self, "\(bad)") { try GitRemote(url: "file:///r", branch: bad) }
            #expect(error?.message.contains("--git-branch") == true)
        }
    }

    @Test("the folder is relative and stays in the repository; . and empty are the root")
    func paths() throws {
        #expect(try GitRemote(url: "file:///r", path: "").path == "")
        #expect(try GitRemote(url: "file:///r", path: ".").path == "")
        #expect(try GitRemote(url: "file:///r", path: "./deploy//pool-a/").path == "deploy/pool-a")
        for bad in ["/srv/desired-state", "../x", "a/../b", ".."] {
            let error = #expect(throws: GitError.self, "\(bad)") { try GitRemote(url: "file:///r", path: bad) }
            #expect(error?.message.contains("--git-path") == true)
        }
    }

    @Test(
        "the GitHub repository of an https remote on GitHub's web host",
        arguments: [
            ("https://github.com/octo-org/sandboxes.git", "github.com", "octo-org/sandboxes"),
            ("https://github.com/octo-org/sandboxes", "github.com", "octo-org/sandboxes"),
            ("https://GitHub.com/octo-org/sand.boxes/", "github.com", "octo-org/sand.boxes"),
            ("https://ghe.example.com:8443/o/r.git", "ghe.example.com:8443", "o/r"),
            ("https://ghe.example.com/o/r.git", "github.com", nil),
            ("git@github.com:octo-org/sandboxes.git", "github.com", nil),
            ("https://github.com/octo-org", "github.com", nil),
            ("https://github.com/o/r/extra", "github.com", nil),
            ("https://github.com/-o/r", "github.com", nil),
        ] as [(String, String, String?)]
    )
    func gitHubRepository(url: String, host: String, expected: String?) throws {
        #expect(try GitRemote(url: url).gitHubRepository(webHost: host) == expected)
    }
}
