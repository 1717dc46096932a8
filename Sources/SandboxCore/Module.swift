/// The SandboxCore module. See docs/architecture.md.
enum SandboxCoreModule {}
