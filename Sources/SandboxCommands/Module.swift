/// The SandboxCommands module. See docs/architecture.md.
enum SandboxCommandsModule {}
