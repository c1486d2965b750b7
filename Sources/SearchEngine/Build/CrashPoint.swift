#if canImport(Glibc)
import Glibc
#endif

/// Fault injection for crash tests: when the environment variable `VSEARCH_CRASH_POINT` names a point
/// a write path reaches, the process kills itself there with SIGKILL (as `kill -9` would, no cleanup),
/// so tests can stop a child `vsearch` between two durable steps. Unset (always, outside tests), a
/// point costs one comparison against a value read once.
public enum CrashPoint {
    private static let armed: String? = getenv("VSEARCH_CRASH_POINT").map { String(cString: $0) }

    /// Kills the process here when `VSEARCH_CRASH_POINT` is `name`.
    public static func reach(_ name: String) {
        guard let armed, armed == name else { return }
        kill(getpid(), SIGKILL)
    }
}

/// Fault injection for error paths: when the environment variable `VSEARCH_FAIL_POINT` names a point,
/// reaching it throws an I/O error (as a failing disk or a full one would), so tests of a child process
/// can see what a write does when a step after its commit fails. Unset, one comparison.
public enum FailPoint {
    private static let armed: String? = getenv("VSEARCH_FAIL_POINT").map { String(cString: $0) }

    /// Throws ``SearchEngineError`` (`io`) here when `VSEARCH_FAIL_POINT` is `name`.
    public static func check(_ name: String) throws {
        guard let armed, armed == name else { return }
        throw SearchEngineError(.io, name, "injected failure (VSEARCH_FAIL_POINT)")
    }
}
