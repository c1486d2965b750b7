#if canImport(Glibc)
import Glibc
#endif

/// A kernel instruction set chosen once per process at run time (``KernelISA``, ``Int8KernelISA``).
protocol RuntimeInstructionSet: RawRepresentable<String>, CaseIterable {
    /// Whether this CPU and OS can run the set.
    var isSupported: Bool { get }
}

extension RuntimeInstructionSet {
    /// The set named by the environment variable `variable` when it is known and supported here, else
    /// `best` (an unsupported or unknown name falls back rather than failing: the variable is for
    /// benchmarks and tests, not a requirement).
    static func chosen(byEnvironment variable: String, otherwise best: () -> Self) -> Self {
        if let name = getenv(variable).map({ String(cString: $0) }), let chosen = Self(rawValue: name), chosen.isSupported {
            return chosen
        }
        return best()
    }
}
