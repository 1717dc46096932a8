/// The SandboxCrypto module. See docs/architecture.md.
enum SandboxCryptoModule {}
