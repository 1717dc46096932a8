/// The SandboxAWS module. See docs/architecture.md.
enum SandboxAWSModule {}
