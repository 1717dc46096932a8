/// The SandboxHTTP module. See docs/architecture.md.
enum SandboxHTTPModule {}
