// Re-exports ``AtomicFile`` to the files that still reach it through SandboxRuntime (the outbox writer in
// SandboxLocal/LocalGitHub.swift). Remove once that file imports SandboxFiles itself.
@_exported public import SandboxFiles
