/// The SandboxGitHub module. See docs/architecture.md.
enum SandboxGitHubModule {}
