import Glibc

/// The sanitizer this process was built with (`swift test --sanitize=address|thread`), so that the tests can run
/// under it (docs/RELIABILITY.md, Sanitizers): wall-clock and memory bounds tuned for plain code are widened by what
/// the instrumentation costs, and the `sandboxd` children a test starts are given the sanitizer's settings.
public enum Sanitizer: Sendable {
    case address
    case thread

    /// Found by the runtime's entry point, which an instrumented executable exports; `nil` for a plain build.
    public static let active: Sanitizer? = {
        let process = dlopen(nil, RTLD_NOW)
        defer { if let process { dlclose(process) } }
        if dlsym(process, "__asan_init") != nil { return .address }
        if dlsym(process, "__tsan_init") != nil { return .thread }
        return nil
    }()

    /// How many times slower instrumented code runs, as measured on the 2-core machine with others' builds beside
    /// it: AddressSanitizer 2–3×, ThreadSanitizer 5–15× (docs/RELIABILITY.md).
    public static var slowdown: Double {
        switch active {
        case .address: 4
        case .thread: 15
        case nil: 1
        }
    }

    /// A wall-clock bound for plain code, widened by ``slowdown``.
    public static func scaled(_ seconds: Double) -> Double { seconds * slowdown }

    /// A wall-clock bound for plain code, widened by ``slowdown``.
    public static func scaled(_ duration: Duration) -> Duration { duration * slowdown }

    /// What the instrumentation adds to a process's peak RSS: AddressSanitizer's shadow memory and quarantine
    /// (measured 170–280 MiB for a `sandboxd` whose plain peak is under 40), ThreadSanitizer's shadow memory.
    public static var memoryOverheadKiB: Int {
        switch active {
        case .address: 400 * 1024
        case .thread: 200 * 1024
        case nil: 0
        }
    }

    /// The variables through which a sanitizer is configured (`ASAN_OPTIONS`, `LSAN_OPTIONS`, `TSAN_OPTIONS`, …).
    static let optionVariables = [
        "ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS", "ASAN_SYMBOLIZER_PATH",
    ]

    /// A child's environment: `environment`, plus this process's sanitizer settings, which the tests' own
    /// environments for children would otherwise drop (so LeakSanitizer, turned off for the run, would still end
    /// every child with status 1). A variable `environment` sets itself is kept.
    public static func childEnvironment(_ environment: [String: String]) -> [String: String] {
        guard active != nil else { return environment }
        var merged = environment
        for name in optionVariables where merged[name] == nil {
            if let value = getenv(name) { merged[name] = String(cString: value) }
        }
        return merged
    }
}
