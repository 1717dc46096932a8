/// The SandboxRuntime module. See docs/architecture.md.
enum SandboxRuntimeModule {}
