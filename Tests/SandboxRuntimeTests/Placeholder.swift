import Testing

@Test func SandboxRuntimeTestsBuilds() {
    #expect(Bool(true))
}
