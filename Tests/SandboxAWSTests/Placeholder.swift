import Testing

@Test func SandboxAWSTestsBuilds() {
    #expect(Bool(true))
}
