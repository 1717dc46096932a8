import Testing

@Test func SandboxCoreTestsBuilds() {
    #expect(Bool(true))
}
