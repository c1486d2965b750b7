#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where repairs of crash leftovers are reported (a torn log tail cut by ``IVFIndexWriter``, a torn
/// build spill): warnings, not errors, since nothing acknowledged was lost. By default each goes to
/// standard error as one `warning: …` line; a service can route them into its logger with ``setHandler(_:)``.
public enum RepairWarnings {
    private static let handler = Mutex<@Sendable (String) -> Void>({ message in
        let line = Array("warning: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }  // one write(2): lines never interleave
    })

    /// Replaces the reporter (for example with a logger's `warning`).
    public static func setHandler(_ newHandler: @escaping @Sendable (String) -> Void) {
        handler.withLock { $0 = newHandler }
    }

    /// Reports one repair.
    public static func report(_ message: String) {
        let current = handler.withLock { $0 }
        current(message)
    }
}
