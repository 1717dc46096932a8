/// The SandboxTesting module. See docs/architecture.md.
enum SandboxTestingModule {}
