import SandboxCommands

await SandboxCommandLine.main()
