#if canImport(Glibc)
import Glibc
#endif

/// Fault injection for crash tests: when the environment variable `VSEARCH_CRASH_POINT` names a point
/// a write path reaches, the process kills itself there with SIGKILL (as `kill -9` would, no cleanup),
/// so tests can stop a child `vsearch` between two durable steps. Unset (always, outside tests), a
/// point costs one comparison against a value read once.
enum CrashPoint {
    private static let armed: String? = getenv("VSEARCH_CRASH_POINT").map { String(cString: $0) }

    static func reach(_ name: String) {
        guard let armed, armed == name else { return }
        kill(getpid(), SIGKILL)
    }
}
