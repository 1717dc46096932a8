import Testing

@Test func SandboxCommandsTestsBuilds() {
    #expect(Bool(true))
}
