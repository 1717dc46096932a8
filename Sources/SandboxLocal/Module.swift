/// The SandboxLocal module. See docs/architecture.md.
enum SandboxLocalModule {}
