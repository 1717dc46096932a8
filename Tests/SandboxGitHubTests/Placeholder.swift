import Testing

@Test func SandboxGitHubTestsBuilds() {
    #expect(Bool(true))
}
