import Testing

@Test func SandboxCryptoTestsBuilds() {
    #expect(Bool(true))
}
