import Foundation
import SandboxFiles
import SandboxGitHub
import Testing

@Suite("GitHub configuration: token, repository, API URL, ETag file")
struct ConfigurationTests {
    @Test("a token file is read at start-up: its token is trimmed, and what is wrong with it names the file")
    func tokenFile() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("token")
        try Data("  from-file\n".utf8).write(to: file)
        _ = try await adapter(.token(.file(path: file.path, setting: "--github-token-file")), state: directory)

        let missing = directory.appendingPathComponent("nope").path
        await #expect {
            _ = try await adapter(.token(.file(path: missing, setting: "--github-token-file")), state: directory)
        } throws: { error in
            let error = error as! GitHubConfigurationError
            return error.code == .unreadableTokenFile && error.message.contains(missing)
                && error.message.contains("--github-token-file") && error.message.contains("does not exist")
        }
        let empty = directory.appendingPathComponent("empty")
        try Data("\n \n".utf8).write(to: empty)
        await #expect {
            _ = try await adapter(.token(.file(path: empty.path, setting: "--github-token-file")), state: directory)
        } throws: { error in
            let error = error as! GitHubConfigurationError
            return error.code == .invalidToken && error.message.contains(empty.path)
        }
        await #expect {
            _ = try await adapter(.token(.file(path: directory.path, setting: "--github-token-file")), state: directory)
        } throws: { error in
            (error as! GitHubConfigurationError).message.contains("is a directory")
        }
    }

    /// An adapter on a loopback API that nothing answers (only the files are read).
    private func adapter(_ credentials: GitHubCredentials, state: URL) async throws -> GitHubAdapter {
        try await GitHubAdapter.fromEnvironment(
            repository: "o/r",
            credentials: credentials,
            apiURL: "http://127.0.0.1:9",
            stateDirectory: state
        )
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
    func apiURL() async throws {
        let state = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let token = GitHubCredentials.token(.value(try GitHubToken("t"), variable: "GITHUB_TOKEN"))
        for good in [nil, "", "https://api.github.com", "https://ghe.example/api/v3/", "http://127.0.0.1:8080/api/v3"] {
            _ = try await GitHubAdapter.fromEnvironment(
                repository: "o/r",
                credentials: token,
                apiURL: good,
                stateDirectory: state
            )
        }
        for bad in ["http://ghe.example/api/v3", "ftp://x", "api.github.com", "https://x/api?y=1", "https://u:p@x"] {
            await #expect(throws: GitHubConfigurationError.self) {
                _ = try await GitHubAdapter.fromEnvironment(
                    repository: "o/r",
                    credentials: token,
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
