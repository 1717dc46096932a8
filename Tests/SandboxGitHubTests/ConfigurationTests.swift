import Foundation
import SandboxFiles
import SandboxGitHub
import Testing

@Suite("GitHub configuration: token, repository, API URL, ETag file")
struct ConfigurationTests {
    @Test("the token comes from --github-token-file, else GITHUB_TOKEN, else $CREDENTIALS_DIRECTORY/github-token")
    func tokenPrecedence() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("token")
        try Data("  from-file\n".utf8).write(to: file)
        try Data("from-credentials\n".utf8).write(to: directory.appendingPathComponent("github-token"))
        let environment = ["GITHUB_TOKEN": "from-env", "CREDENTIALS_DIRECTORY": directory.path]

        #expect(try GitHubToken.load(file: file.path, environment: environment) == GitHubToken("from-file"))
        #expect(try GitHubToken.load(file: nil, environment: environment) == GitHubToken("from-env"))
        #expect(
            try GitHubToken.load(file: nil, environment: ["CREDENTIALS_DIRECTORY": directory.path])
                == GitHubToken("from-credentials")
        )
    }

    @Test("an unreadable or empty token file is an error naming the file; no token at all says what to set")
    func tokenErrors() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("nope").path
        #expect {
            _ = try GitHubToken.load(file: missing, environment: ["GITHUB_TOKEN": "x"])
        } throws: { error in
            let error = error as! GitHubConfigurationError
            return error.code == .unreadableTokenFile && error.message.contains(missing)
        }
        let empty = directory.appendingPathComponent("empty")
        try Data("\n \n".utf8).write(to: empty)
        #expect {
            _ = try GitHubToken.load(file: empty.path, environment: [:])
        } throws: { error in
            let error = error as! GitHubConfigurationError
            return error.code == .invalidToken && error.message.contains(empty.path)
        }
        #expect {
            _ = try GitHubToken.load(file: nil, environment: ["CREDENTIALS_DIRECTORY": directory.path])
        } throws: { error in
            let error = error as! GitHubConfigurationError
            return error.code == .missingToken && error.message.contains("GITHUB_TOKEN")
        }
    }

    @Test("the repository is OWNER/NAME", arguments: ["octo-org/sandboxes", "a/b.c_d-e"])
    func validRepository(_ text: String) throws {
        #expect(try GitHubRepository(text).description == text)
    }

    @Test("anything else is refused", arguments: ["", "octo", "a/b/c", "../x", "a/..", "-a/b", "a b/c", "a/b?x"])
    func invalidRepository(_ text: String) {
        #expect(throws: GitHubConfigurationError.self) { try GitHubRepository(text) }
    }

    @Test("GITHUB_API_URL: https (or http on loopback), with or without a path and a trailing slash")
    func apiURL() throws {
        let state = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let token = try GitHubToken("t")
        for good in [nil, "", "https://api.github.com", "https://ghe.example/api/v3/", "http://127.0.0.1:8080/api/v3"] {
            _ = try GitHubAdapter.fromEnvironment(repository: "o/r", token: token, apiURL: good, stateDirectory: state)
        }
        for bad in ["http://ghe.example/api/v3", "ftp://x", "api.github.com", "https://x/api?y=1", "https://u:p@x"] {
            #expect(throws: GitHubConfigurationError.self) {
                _ = try GitHubAdapter.fromEnvironment(
                    repository: "o/r",
                    token: token,
                    apiURL: bad,
                    stateDirectory: state
                )
            }
        }
    }

    @Test("the ETag file is written atomically with mode 0600, read back by a new store, and a corrupt one is ignored")
    func fileETagStore() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = FileETagStore(stateDirectory: directory)
        store.save(ETagEntry(etag: "W/\"1\"", body: Data("[1]".utf8), link: "<x>; rel=\"next\""), for: "https://h/a")
        store.save(ETagEntry(etag: "W/\"2\"", body: Data([0xFF, 0x00])), for: "https://h/b")
        #expect(store.lastWriteError == nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: store.file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: AtomicFile.temporaryURL(for: store.file).path))

        let reopened = FileETagStore(stateDirectory: directory)
        #expect(
            reopened.entry(for: "https://h/a")
                == ETagEntry(etag: "W/\"1\"", body: Data("[1]".utf8), link: "<x>; rel=\"next\"")
        )
        #expect(reopened.entry(for: "https://h/b")?.body == Data([0xFF, 0x00]))
        reopened.removeEntry(for: "https://h/a")
        #expect(FileETagStore(stateDirectory: directory).count == 1)

        try Data("{not json".utf8).write(to: store.file)
        let fresh = FileETagStore(stateDirectory: directory)
        #expect(fresh.count == 0)
        fresh.save(ETagEntry(etag: "e", body: Data()), for: "u")
        #expect(FileETagStore(stateDirectory: directory).count == 1)
    }

    @Test("the ETag store stays small: the least recently used answers go first")
    func fileETagStoreIsBounded() {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = FileETagStore(stateDirectory: directory, maximumEntries: 8)
        for index in 0..<18 {
            if index > 0 { _ = store.entry(for: "u0") }  // keep u0 in use
            store.save(ETagEntry(etag: "e\(index)", body: Data("{}".utf8)), for: "u\(index)")
        }
        #expect(store.count == 8)
        #expect(store.entry(for: "u0") != nil)
        #expect(store.entry(for: "u1") == nil)
        store.save(ETagEntry(etag: "big", body: Data(count: FileETagStore.maximumEntryBytes + 1)), for: "big")
        #expect(store.entry(for: "big") == nil)
    }
}
