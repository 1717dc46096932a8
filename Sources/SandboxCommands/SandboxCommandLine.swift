#if canImport(Glibc)
import Glibc
#endif

/// Entry point of the `sandboxd` executable.
public enum SandboxCommandLine {
    /// Parses the process arguments, runs the command and exits with its status.
    public static func main() async {
        exit(0)
    }
}
